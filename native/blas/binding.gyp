{
  "targets": [
    {
      "target_name": "lab_blas",
      "sources": ["lab_blas.c"],
      "cflags": ["-O3", "-std=c11", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "conditions": [
        ["OS=='mac'", {
          "defines": ["LAB_ACCELERATE", "ACCELERATE_NEW_LAPACK"],
          "link_settings": { "libraries": ["-framework Accelerate"] }
        }, {
          "libraries": ["-ldl", "-lm"]
        }]
      ]
    }
  ]
}
