/*
 * lab_blas: the lab's GEMM-backed kernels (MatMul, Conv2D and its two gradients) on OpenBLAS (Accelerate on macOS),
 * called from the engine's `blas` backend (src-main/engine/compute/blasKernels.ts) on Float32Array views of the
 * wasm heap — no copies. N-API only, so one build serves Node and Electron.
 *
 * Why native: tfjs-wasm's GEMM runs at ≈ 30 GFLOP/s here, OpenBLAS's sgemm at ≈ 116 on one core and ≈ 199 on two
 * (issue 14's spike); training an MLP or a CNN is mostly GEMM. Convolutions are im2col + one GEMM (forward, filter
 * gradient) or GEMM + col2im (input gradient), in batch chunks so the column buffer stays bounded.
 *
 * Every entry point checks that the arrays hold what the shapes say before touching memory: a wrong call throws a
 * JavaScript error, it never reads or writes out of bounds.
 */
#define _POSIX_C_SOURCE 200809L /* setenv */
#define NAPI_VERSION 8
#include <node_api.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef LAB_ACCELERATE
#include <Accelerate/Accelerate.h>
static void lab_set_threads(int n) { (void)n; }
static int lab_get_threads(void) { return 0; }
static const char *lab_config(void) { return "Accelerate"; }
static const char *lab_load(void) { return NULL; }
#define lab_sgemm cblas_sgemm
#else
/*
 * OpenBLAS is opened here (dlopen), not linked: its kernel family is chosen when the library initialises, and
 * OpenBLAS 0.3.21 (Debian 12) takes this project's virtualised AVX-512 Xeons ("Intel(R) Xeon(R) Processor") for a
 * Prescott — SSE3 kernels, 21 GFLOP/s on the MLP's GEMM instead of 118. Unless OPENBLAS_CORETYPE is already set,
 * the family is named from the CPU's own feature flags before the library loads. Setting the variable from
 * JavaScript would not do: in a worker thread process.env is a copy that never reaches getenv().
 */
#include <dlfcn.h>
enum { RowMajor = 101, NoTrans = 111, Trans = 112 };
typedef void (*sgemm_t)(int, int, int, int, int, int, float, const float *, int, const float *, int, float, float *, int);
static sgemm_t sgemm_fn;
static void (*set_threads_fn)(int);
static int (*get_threads_fn)(void);
static char *(*get_config_fn)(void);
static char load_error[512];

static const char *lab_load(void) {
  if (sgemm_fn) return NULL;
#if defined(__x86_64__) && defined(__GNUC__)
  if (!getenv("OPENBLAS_CORETYPE")) {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq"))
      setenv("OPENBLAS_CORETYPE", "SkylakeX", 0);
    else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
      setenv("OPENBLAS_CORETYPE", "Haswell", 0);
  }
#endif
  // LAB_BLAS_LIBRARY names another build (a path or a soname), e.g. one with its own kernels or threading.
  const char *forced = getenv("LAB_BLAS_LIBRARY");
  const char *names[] = {"libopenblas.so.0", "libopenblas.so", "libopenblas.dylib"};
  void *lib = NULL;
  if (forced && *forced) lib = dlopen(forced, RTLD_NOW | RTLD_LOCAL);
  else
    for (size_t i = 0; i < sizeof names / sizeof names[0] && !lib; i++) lib = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    snprintf(load_error, sizeof load_error, "OpenBLAS cannot be opened (%s); install it (Debian: libopenblas0-pthread)", dlerror());
    return load_error;
  }
  set_threads_fn = (void (*)(int))dlsym(lib, "openblas_set_num_threads");
  get_threads_fn = (int (*)(void))dlsym(lib, "openblas_get_num_threads");
  get_config_fn = (char *(*)(void))dlsym(lib, "openblas_get_config");
  sgemm_t sgemm = (sgemm_t)dlsym(lib, "cblas_sgemm");
  if (!sgemm || !set_threads_fn || !get_threads_fn || !get_config_fn) {
    snprintf(load_error, sizeof load_error, "the OpenBLAS found lacks cblas_sgemm or its thread controls");
    return load_error;
  }
  sgemm_fn = sgemm;
  return NULL;
}
static void lab_set_threads(int n) { set_threads_fn(n); }
static int lab_get_threads(void) { return get_threads_fn(); }
static const char *lab_config(void) { return get_config_fn(); }
#define CblasRowMajor RowMajor
#define CblasNoTrans NoTrans
#define CblasTrans Trans
#define lab_sgemm(...) sgemm_fn(__VA_ARGS__)
#endif

/*
 * The loops that are not GEMMs (pooling, reductions, bias adds) are compiled for AVX-512, AVX2 and
 * baseline x86-64, picked at load time by the CPU (GCC function multiversioning), so one build is fast everywhere.
 */
#if defined(__x86_64__) && defined(__linux__) && defined(__GNUC__) && !defined(__clang__)
#define LAB_HOT __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define LAB_HOT
#endif

/* Column buffer per chunk: at most this many floats (64 MB), so a big batch or a wide layer stays bounded. */
#define COL_LIMIT ((size_t)16 * 1024 * 1024)

#define CHECK(call)                                                                                                    \
  do {                                                                                                                 \
    if ((call) != napi_ok) return throw_last(env);                                                                     \
  } while (0)

static napi_value throw_last(napi_env env) {
  const napi_extended_error_info *info = NULL;
  napi_get_last_error_info(env, &info);
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (!pending) napi_throw_error(env, NULL, info && info->error_message ? info->error_message : "lab_blas: N-API call failed");
  return NULL;
}

static napi_value fail(napi_env env, const char *message) {
  napi_throw_error(env, NULL, message);
  return NULL;
}

/* A Float32Array argument: its data and length in elements; false (with a thrown error) otherwise. */
static bool float_array(napi_env env, napi_value v, float **data, size_t *length, const char *name) {
  bool is_typed = false;
  if (napi_is_typedarray(env, v, &is_typed) != napi_ok || !is_typed) {
    char msg[96];
    snprintf(msg, sizeof msg, "lab_blas: %s must be a Float32Array", name);
    napi_throw_type_error(env, NULL, msg);
    return false;
  }
  napi_typedarray_type type;
  void *raw = NULL;
  if (napi_get_typedarray_info(env, v, &type, length, &raw, NULL, NULL) != napi_ok || type != napi_float32_array) {
    char msg[96];
    snprintf(msg, sizeof msg, "lab_blas: %s must be a Float32Array", name);
    napi_throw_type_error(env, NULL, msg);
    return false;
  }
  *data = (float *)raw;
  return true;
}

/* An Int32Array of exactly `count` dimensions. */
static bool int_dims(napi_env env, napi_value v, int32_t *out, size_t count) {
  bool is_typed = false;
  napi_typedarray_type type;
  size_t length = 0;
  void *raw = NULL;
  if (napi_is_typedarray(env, v, &is_typed) != napi_ok || !is_typed ||
      napi_get_typedarray_info(env, v, &type, &length, &raw, NULL, NULL) != napi_ok || type != napi_int32_array || length != count) {
    char msg[96];
    snprintf(msg, sizeof msg, "lab_blas: dims must be an Int32Array of %zu values", count);
    napi_throw_type_error(env, NULL, msg);
    return false;
  }
  memcpy(out, raw, count * sizeof(int32_t));
  for (size_t i = 0; i < count; i++) {
    if (out[i] < 0) {
      napi_throw_range_error(env, NULL, "lab_blas: dims must not be negative");
      return false;
    }
  }
  return true;
}

static bool get_args(napi_env env, napi_callback_info info, size_t expected, napi_value *argv) {
  size_t argc = expected;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return false;
  if (argc != expected) {
    char msg[80];
    snprintf(msg, sizeof msg, "lab_blas: expected %zu arguments, got %zu", expected, argc);
    napi_throw_type_error(env, NULL, msg);
    return false;
  }
  return true;
}

/*
 * gemm(dims Int32Array[batch, batchA, batchB, M, N, K, transA, transB], a, b, c): for every batch entry,
 * c[i] = op(a[i % batchA]) · op(b[i % batchB]) with row-major, contiguous matrices (batchA / batchB is 1 for a
 * broadcast operand). op(a) is M×K (a is K×M when transposed), op(b) is K×N, c is M×N.
 */
static napi_value gemm(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (!get_args(env, info, 4, argv)) return NULL;
  int32_t d[8];
  if (!int_dims(env, argv[0], d, 8)) return NULL;
  float *a, *b, *c;
  size_t la, lb, lc;
  if (!float_array(env, argv[1], &a, &la, "a") || !float_array(env, argv[2], &b, &lb, "b") || !float_array(env, argv[3], &c, &lc, "c")) return NULL;
  const size_t batch = d[0], batch_a = d[1], batch_b = d[2], m = d[3], n = d[4], k = d[5];
  const int trans_a = d[6] != 0, trans_b = d[7] != 0;
  if (batch_a == 0 || batch_b == 0 || (batch_a != 1 && batch_a != batch) || (batch_b != 1 && batch_b != batch))
    return fail(env, "lab_blas.gemm: batchA and batchB must be 1 or the batch");
  if (la < batch_a * m * k || lb < batch_b * k * n || lc < batch * m * n) return fail(env, "lab_blas.gemm: an array is smaller than its shape");
  if (m == 0 || n == 0) return NULL;
  for (size_t i = 0; i < batch; i++) {
    float *ci = c + i * m * n;
    if (k == 0) {
      memset(ci, 0, m * n * sizeof(float));
      continue;
    }
    const float *ai = a + (batch_a == 1 ? 0 : i) * m * k;
    const float *bi = b + (batch_b == 1 ? 0 : i) * k * n;
    lab_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans, (int)m, (int)n, (int)k, 1.0f, ai,
                trans_a ? (int)m : (int)k, bi, trans_b ? (int)k : (int)n, 0.0f, ci, (int)n);
  }
  return NULL;
}

/*
 * Convolution GEMMs run on one thread. In the bench CNN's training step on 2 cores, OpenBLAS's second thread made
 * Conv2D 2.7 → 5.1 ms and its filter gradient 2.9 → 5.0 ms (tall, narrow products between wasm kernels, the pool
 * waking for each), so two threads trained the CNN slower than one (≈ 3 500–3 800 against ≈ 4 800 samples/s); with
 * this the two are level (≈ 4 100 against ≈ 3 900, the same hour). The MLP's wide GEMMs keep the pool: they gain
 * from it (≈ 30 000 against ≈ 26 000). The count is restored after the call.
 */
static napi_value one_thread(napi_env env, napi_callback_info info, napi_value (*body)(napi_env, napi_callback_info)) {
  const int threads = lab_get_threads();
  if (threads > 1) lab_set_threads(1);
  napi_value out = body(env, info);
  if (threads > 1) lab_set_threads(threads);
  return out;
}

/* Convolution geometry, NHWC input [B, H, W, Ci], filter [kh, kw, Ci, Co], output [B, oH, oW, Co]. */
typedef struct {
  size_t b, h, w, ci, oh, ow, co, kh, kw, sh, sw, dh, dw, pt, pl;
} conv_t;

static bool conv_dims(napi_env env, napi_value v, conv_t *g) {
  int32_t d[15];
  if (!int_dims(env, v, d, 15)) return false;
  *g = (conv_t){d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8], d[9], d[10], d[11], d[12], d[13], d[14]};
  if (g->sh == 0 || g->sw == 0 || g->dh == 0 || g->dw == 0) {
    napi_throw_range_error(env, NULL, "lab_blas: strides and dilations must be at least 1");
    return false;
  }
  return true;
}

/* Samples per chunk so that a chunk's column matrix [chunk·oH·oW, kh·kw·Ci] stays within COL_LIMIT floats. */
static size_t chunk_samples(const conv_t *g) {
  const size_t per = g->oh * g->ow * g->kh * g->kw * g->ci;
  if (per == 0) return g->b ? g->b : 1;
  size_t s = COL_LIMIT / per;
  if (s < 1) s = 1;
  return s < g->b ? s : g->b;
}

/* im2col for samples [n0, n0 + count): one row per output pixel, columns (ky, kx, ci) — the filter's row order. */
static void im2col(const conv_t *g, const float *x, size_t n0, size_t count, float *col) {
  const size_t row_len = g->kh * g->kw * g->ci;
  for (size_t n = 0; n < count; n++) {
    const float *xn = x + (n0 + n) * g->h * g->w * g->ci;
    for (size_t oy = 0; oy < g->oh; oy++) {
      for (size_t ox = 0; ox < g->ow; ox++) {
        float *row = col + ((n * g->oh + oy) * g->ow + ox) * row_len;
        for (size_t ky = 0; ky < g->kh; ky++) {
          const long iy = (long)(oy * g->sh + ky * g->dh) - (long)g->pt;
          for (size_t kx = 0; kx < g->kw; kx++) {
            const long ix = (long)(ox * g->sw + kx * g->dw) - (long)g->pl;
            float *dst = row + (ky * g->kw + kx) * g->ci;
            if (iy < 0 || iy >= (long)g->h || ix < 0 || ix >= (long)g->w) {
              for (size_t c = 0; c < g->ci; c++) dst[c] = 0;
            } else {
              // A loop, not memcpy: a first layer has one or three channels, and a call per pixel costs more.
              const float *src = xn + ((size_t)iy * g->w + (size_t)ix) * g->ci;
              for (size_t c = 0; c < g->ci; c++) dst[c] = src[c];
            }
          }
        }
      }
    }
  }
}

/* col2im: scatter-add a chunk's column gradient back onto dx (which the caller zeroed). */
static void col2im(const conv_t *g, const float *col, size_t n0, size_t count, float *dx) {
  const size_t row_len = g->kh * g->kw * g->ci;
  for (size_t n = 0; n < count; n++) {
    float *dxn = dx + (n0 + n) * g->h * g->w * g->ci;
    for (size_t oy = 0; oy < g->oh; oy++) {
      for (size_t ox = 0; ox < g->ow; ox++) {
        const float *row = col + ((n * g->oh + oy) * g->ow + ox) * row_len;
        for (size_t ky = 0; ky < g->kh; ky++) {
          const long iy = (long)(oy * g->sh + ky * g->dh) - (long)g->pt;
          if (iy < 0 || iy >= (long)g->h) continue;
          for (size_t kx = 0; kx < g->kw; kx++) {
            const long ix = (long)(ox * g->sw + kx * g->dw) - (long)g->pl;
            if (ix < 0 || ix >= (long)g->w) continue;
            const float *src = row + (ky * g->kw + kx) * g->ci;
            float *dst = dxn + ((size_t)iy * g->w + (size_t)ix) * g->ci;
            for (size_t c = 0; c < g->ci; c++) dst[c] += src[c];
          }
        }
      }
    }
  }
}

/* A 1×1, stride-1, unpadded convolution is a plain GEMM on the input itself (no column buffer). */
static bool is_pointwise(const conv_t *g) {
  return g->kh == 1 && g->kw == 1 && g->sh == 1 && g->sw == 1 && g->pt == 0 && g->pl == 0 && g->oh == g->h && g->ow == g->w;
}

static bool conv_sizes_ok(napi_env env, const conv_t *g, size_t lx, size_t lw, size_t ly) {
  if (lx < g->b * g->h * g->w * g->ci || lw < g->kh * g->kw * g->ci * g->co || ly < g->b * g->oh * g->ow * g->co) {
    napi_throw_range_error(env, NULL, "lab_blas: a convolution array is smaller than its shape");
    return false;
  }
  return true;
}

/*
 * The arguments of a convolution entry point: dims, then three Float32Arrays in the call's order; xi, fi and yi say
 * which of them is input-, filter- and output-shaped, for the size check.
 */
static bool conv_args(napi_env env, napi_callback_info info, const char *const names[3], int xi, int fi, int yi, conv_t *g, float *a[3]) {
  napi_value argv[4];
  size_t len[3];
  if (!get_args(env, info, 4, argv) || !conv_dims(env, argv[0], g)) return false;
  for (int i = 0; i < 3; i++)
    if (!float_array(env, argv[i + 1], &a[i], &len[i], names[i])) return false;
  return conv_sizes_ok(env, g, len[xi], len[fi], len[yi]);
}

/* conv2d(dims, x, filter, y): y = x ⊛ filter. */
static napi_value conv2d_body(napi_env env, napi_callback_info info);
static napi_value conv2d(napi_env env, napi_callback_info info) {
  return one_thread(env, info, conv2d_body);
}
static napi_value conv2d_body(napi_env env, napi_callback_info info) {
  static const char *const names[3] = {"x", "filter", "y"};
  conv_t g;
  float *a[3];
  if (!conv_args(env, info, names, 0, 1, 2, &g, a)) return NULL;
  const float *x = a[0], *f = a[1];
  float *y = a[2];
  const size_t pixels = g.oh * g.ow, row_len = g.kh * g.kw * g.ci;
  if (g.b == 0 || pixels == 0 || g.co == 0) return NULL;
  if (row_len == 0) {
    memset(y, 0, g.b * pixels * g.co * sizeof(float));
    return NULL;
  }
  if (is_pointwise(&g)) {
    lab_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)(g.b * pixels), (int)g.co, (int)g.ci, 1.0f, x, (int)g.ci, f, (int)g.co, 0.0f, y, (int)g.co);
    return NULL;
  }

  const size_t chunk = chunk_samples(&g);
  float *col = malloc(chunk * pixels * row_len * sizeof(float));
  if (!col) return fail(env, "lab_blas.conv2d: out of memory for the column buffer");
  for (size_t n0 = 0; n0 < g.b; n0 += chunk) {
    const size_t count = n0 + chunk <= g.b ? chunk : g.b - n0;
    im2col(&g, x, n0, count, col);
    lab_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)(count * pixels), (int)g.co, (int)row_len, 1.0f, col, (int)row_len, f, (int)g.co, 0.0f,
                y + n0 * pixels * g.co, (int)g.co);
  }
  free(col);
  return NULL;
}

/* conv2dBackpropFilter(dims, x, dy, dw): dw = Σ over samples of im2col(x)ᵀ · dy. */
static napi_value conv2d_backprop_filter_body(napi_env env, napi_callback_info info);
static napi_value conv2d_backprop_filter(napi_env env, napi_callback_info info) {
  return one_thread(env, info, conv2d_backprop_filter_body);
}
static napi_value conv2d_backprop_filter_body(napi_env env, napi_callback_info info) {
  static const char *const names[3] = {"x", "dy", "dw"};
  conv_t g;
  float *a[3];
  if (!conv_args(env, info, names, 0, 2, 1, &g, a)) return NULL;
  const float *x = a[0], *dy = a[1];
  float *dw = a[2];
  const size_t pixels = g.oh * g.ow, row_len = g.kh * g.kw * g.ci;
  if (row_len == 0 || g.co == 0) return NULL;
  memset(dw, 0, row_len * g.co * sizeof(float));
  if (g.b == 0 || pixels == 0) return NULL;
  if (is_pointwise(&g)) {
    lab_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)g.ci, (int)g.co, (int)(g.b * pixels), 1.0f, x, (int)g.ci, dy, (int)g.co, 0.0f, dw, (int)g.co);
    return NULL;
  }

  const size_t chunk = chunk_samples(&g);
  float *col = malloc(chunk * pixels * row_len * sizeof(float));
  if (!col) return fail(env, "lab_blas.conv2dBackpropFilter: out of memory for the column buffer");
  for (size_t n0 = 0; n0 < g.b; n0 += chunk) {
    const size_t count = n0 + chunk <= g.b ? chunk : g.b - n0;
    im2col(&g, x, n0, count, col);
    lab_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)row_len, (int)g.co, (int)(count * pixels), 1.0f, col, (int)row_len, dy + n0 * pixels * g.co,
                (int)g.co, 1.0f, dw, (int)g.co);
  }
  free(col);
  return NULL;
}

/* conv2dBackpropInput(dims, dy, filter, dx): dx = col2im(dy · filterᵀ). */
static napi_value conv2d_backprop_input_body(napi_env env, napi_callback_info info);
static napi_value conv2d_backprop_input(napi_env env, napi_callback_info info) {
  return one_thread(env, info, conv2d_backprop_input_body);
}
static napi_value conv2d_backprop_input_body(napi_env env, napi_callback_info info) {
  static const char *const names[3] = {"dy", "filter", "dx"};
  conv_t g;
  float *a[3];
  if (!conv_args(env, info, names, 2, 1, 0, &g, a)) return NULL;
  const float *dy = a[0], *f = a[1];
  float *dx = a[2];
  const size_t pixels = g.oh * g.ow, row_len = g.kh * g.kw * g.ci;
  memset(dx, 0, g.b * g.h * g.w * g.ci * sizeof(float));
  if (g.b == 0 || pixels == 0 || row_len == 0 || g.co == 0) return NULL;
  if (is_pointwise(&g)) {
    lab_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)(g.b * pixels), (int)g.ci, (int)g.co, 1.0f, dy, (int)g.co, f, (int)g.co, 0.0f, dx, (int)g.ci);
    return NULL;
  }
  const size_t chunk = chunk_samples(&g);
  float *col = malloc(chunk * pixels * row_len * sizeof(float));
  if (!col) return fail(env, "lab_blas.conv2dBackpropInput: out of memory for the column buffer");
  for (size_t n0 = 0; n0 < g.b; n0 += chunk) {
    const size_t count = n0 + chunk <= g.b ? chunk : g.b - n0;
    lab_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)(count * pixels), (int)row_len, (int)g.co, 1.0f, dy + n0 * pixels * g.co, (int)g.co, f,
                (int)g.co, 0.0f, col, (int)row_len);
    col2im(&g, col, n0, count, dx);
  }
  free(col);
  return NULL;
}

/*
 * biasActivation(y, bias | null, dims Int32Array[columns, kind], alpha): in place, y[r, c] = act(y[r, c] + bias[c])
 * (a bias of one value is added everywhere) — the epilogue of _FusedMatMul and FusedConv2D.
 * kind: 0 linear, 1 relu, 2 relu6, 3 elu, 4 leakyrelu (slope alpha), 5 sigmoid.
 */
static napi_value bias_activation(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (!get_args(env, info, 4, argv)) return NULL;
  float *y, *bias = NULL;
  size_t ly, lb = 0;
  int32_t d[2];
  double alpha_d = 0;
  if (!float_array(env, argv[0], &y, &ly, "y")) return NULL;
  napi_valuetype bias_type;
  CHECK(napi_typeof(env, argv[1], &bias_type));
  if (bias_type != napi_null && !float_array(env, argv[1], &bias, &lb, "bias")) return NULL;
  if (!int_dims(env, argv[2], d, 2)) return NULL;
  CHECK(napi_get_value_double(env, argv[3], &alpha_d));
  const size_t cols = d[0];
  const int kind = d[1];
  const float alpha = (float)alpha_d;
  if (kind > 5) return fail(env, "lab_blas.biasActivation: unknown activation");
  if (cols == 0 || ly % cols != 0) return fail(env, "lab_blas.biasActivation: y is not a whole number of rows");
  if (bias && lb != cols && lb != 1) return fail(env, "lab_blas.biasActivation: bias must have one value or one per column");
  const size_t rows = ly / cols;
  for (size_t r = 0; r < rows; r++) {
    float *row = y + r * cols;
    if (bias && lb == cols)
      for (size_t c = 0; c < cols; c++) row[c] += bias[c];
    else if (bias)
      for (size_t c = 0; c < cols; c++) row[c] += bias[0];
    switch (kind) {
      case 1:
        for (size_t c = 0; c < cols; c++) row[c] = row[c] > 0 ? row[c] : 0;
        break;
      case 2:
        for (size_t c = 0; c < cols; c++) row[c] = row[c] < 0 ? 0 : row[c] > 6 ? 6 : row[c];
        break;
      case 3:
        for (size_t c = 0; c < cols; c++) row[c] = row[c] > 0 ? row[c] : expm1f(row[c]);
        break;
      case 4:
        for (size_t c = 0; c < cols; c++) row[c] = row[c] > 0 ? row[c] : alpha * row[c];
        break;
      case 5:
        for (size_t c = 0; c < cols; c++) row[c] = 1.0f / (1.0f + expf(-row[c]));
        break;
      default:
        break;
    }
  }
  return NULL;
}

/* Channels innermost (they are contiguous in NHWC); strict > keeps the first maximum of each window. */
LAB_HOT static void max_pool_grad_loop(size_t b, size_t h, size_t w, size_t c, size_t oh, size_t ow, size_t kh, size_t kw, size_t sh, size_t sw, long pt,
                                       long pl, const float *x, const float *dy, float *dx, float *best, long *at) {
  memset(dx, 0, b * h * w * c * sizeof(float));
  for (size_t n = 0; n < b; n++) {
    const float *xn = x + n * h * w * c;
    float *dxn = dx + n * h * w * c;
    for (size_t oy = 0; oy < oh; oy++) {
      for (size_t ox = 0; ox < ow; ox++) {
        for (size_t ch = 0; ch < c; ch++) {
          best[ch] = -INFINITY;
          at[ch] = -1;
        }
        for (size_t ky = 0; ky < kh; ky++) {
          const long iy = (long)(oy * sh + ky) - pt;
          if (iy < 0 || iy >= (long)h) continue;
          for (size_t kx = 0; kx < kw; kx++) {
            const long ix = (long)(ox * sw + kx) - pl;
            if (ix < 0 || ix >= (long)w) continue;
            const long base = (iy * (long)w + ix) * (long)c;
            const float *px = xn + base;
            for (size_t ch = 0; ch < c; ch++) {
              if (px[ch] > best[ch]) {
                best[ch] = px[ch];
                at[ch] = base + (long)ch;
              }
            }
          }
        }
        const float *g = dy + ((n * oh + oy) * ow + ox) * c;
        for (size_t ch = 0; ch < c; ch++)
          if (at[ch] >= 0) dxn[at[ch]] += g[ch];
      }
    }
  }
}

/*
 * maxPoolGrad(dims Int32Array[B, H, W, C, oH, oW, kh, kw, sH, sW, padTop, padLeft], x, dy, dx): each output's
 * gradient goes to the first largest input of its window in row-major scan order (tfjs's cpu rule, so ties — the
 * zeros after a ReLU — resolve the same way). dx is zeroed first.
 */
static napi_value max_pool_grad(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (!get_args(env, info, 4, argv)) return NULL;
  int32_t d[12];
  float *x, *dy, *dx;
  size_t lx, ldy, ldx;
  if (!int_dims(env, argv[0], d, 12) || !float_array(env, argv[1], &x, &lx, "x") || !float_array(env, argv[2], &dy, &ldy, "dy") ||
      !float_array(env, argv[3], &dx, &ldx, "dx"))
    return NULL;
  const size_t b = d[0], h = d[1], w = d[2], c = d[3], oh = d[4], ow = d[5], kh = d[6], kw = d[7], sh = d[8], sw = d[9];
  const long pt = d[10], pl = d[11];
  if (sh == 0 || sw == 0) return fail(env, "lab_blas.maxPoolGrad: strides must be at least 1");
  if (lx < b * h * w * c || ldx < b * h * w * c || ldy < b * oh * ow * c) return fail(env, "lab_blas.maxPoolGrad: an array is smaller than its shape");
  float *best = malloc((c ? c : 1) * sizeof(float));
  long *at = malloc((c ? c : 1) * sizeof(long));
  if (!best || !at) {
    free(best);
    free(at);
    return fail(env, "lab_blas.maxPoolGrad: out of memory");
  }
  max_pool_grad_loop(b, h, w, c, oh, ow, kh, kw, sh, sw, pt, pl, x, dy, dx, best, at);
  free(best);
  free(at);
  return NULL;
}

/* addRow(dims Int32Array[columns], x, row, out): out[r, c] = x[r, c] + row[c] — a bias add (x of whole rows). */
LAB_HOT static void add_row_loop(size_t rows, size_t cols, const float *x, const float *row, float *out) {
  for (size_t r = 0; r < rows; r++) {
    const float *xr = x + r * cols;
    float *o = out + r * cols;
    for (size_t c = 0; c < cols; c++) o[c] = xr[c] + row[c];
  }
}

static napi_value add_row(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (!get_args(env, info, 4, argv)) return NULL;
  int32_t d[1];
  float *x, *row, *out;
  size_t lx, lr, lo;
  if (!int_dims(env, argv[0], d, 1) || !float_array(env, argv[1], &x, &lx, "x") || !float_array(env, argv[2], &row, &lr, "row") ||
      !float_array(env, argv[3], &out, &lo, "out"))
    return NULL;
  const size_t cols = d[0];
  if (cols == 0 || lx % cols != 0 || lr < cols || lo < lx) return fail(env, "lab_blas.addRow: the arrays do not hold whole rows of the given width");
  add_row_loop(lx / cols, cols, x, row, out);
  return NULL;
}

LAB_HOT static void sum_leading_loop(size_t rows, size_t cols, const float *x, double *acc) {
  for (size_t r = 0; r < rows; r++) {
    const float *row = x + r * cols;
    for (size_t col = 0; col < cols; col++) acc[col] += row[col];
  }
}

/* sumLeading(dims Int32Array[rows, columns], x, out): out[c] = Σ_r x[r, c] — a reduction over leading axes. */
static napi_value sum_leading(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!get_args(env, info, 3, argv)) return NULL;
  int32_t d[2];
  float *x, *out;
  size_t lx, lo;
  if (!int_dims(env, argv[0], d, 2) || !float_array(env, argv[1], &x, &lx, "x") || !float_array(env, argv[2], &out, &lo, "out")) return NULL;
  const size_t rows = d[0], cols = d[1];
  if (lx < rows * cols || lo < cols) return fail(env, "lab_blas.sumLeading: an array is smaller than its shape");
  // Accumulated in double: a bias gradient sums tens of thousands of rows, and float32 would drift.
  double *acc = calloc(cols ? cols : 1, sizeof(double));
  if (!acc) return fail(env, "lab_blas.sumLeading: out of memory");
  sum_leading_loop(rows, cols, x, acc);
  for (size_t col = 0; col < cols; col++) out[col] = (float)acc[col];
  free(acc);
  return NULL;
}

/* setThreads(n): OpenBLAS's thread count for this process (all runs in it share the pool). */
static napi_value set_threads(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!get_args(env, info, 1, argv)) return NULL;
  int32_t n = 0;
  CHECK(napi_get_value_int32(env, argv[0], &n));
  if (n < 1 || n > 1024) return fail(env, "lab_blas.setThreads: n must be between 1 and 1024");
  lab_set_threads(n);
  return NULL;
}

static napi_value get_threads(napi_env env, napi_callback_info info) {
  napi_value out;
  CHECK(napi_create_int32(env, lab_get_threads(), &out));
  return out;
}

static napi_value get_config(napi_env env, napi_callback_info info) {
  napi_value out;
  CHECK(napi_create_string_utf8(env, lab_config(), NAPI_AUTO_LENGTH, &out));
  return out;
}

static napi_value init(napi_env env, napi_value exports) {
  const char *problem = lab_load();
  if (problem) {
    napi_throw_error(env, NULL, problem);
    return NULL;
  }
  const napi_property_descriptor props[] = {
    {"gemm", NULL, gemm, NULL, NULL, NULL, napi_default, NULL},
    {"conv2d", NULL, conv2d, NULL, NULL, NULL, napi_default, NULL},
    {"conv2dBackpropFilter", NULL, conv2d_backprop_filter, NULL, NULL, NULL, napi_default, NULL},
    {"conv2dBackpropInput", NULL, conv2d_backprop_input, NULL, NULL, NULL, napi_default, NULL},
    {"biasActivation", NULL, bias_activation, NULL, NULL, NULL, napi_default, NULL},
    {"maxPoolGrad", NULL, max_pool_grad, NULL, NULL, NULL, napi_default, NULL},
    {"addRow", NULL, add_row, NULL, NULL, NULL, napi_default, NULL},
    {"sumLeading", NULL, sum_leading, NULL, NULL, NULL, napi_default, NULL},
    {"setThreads", NULL, set_threads, NULL, NULL, NULL, napi_default, NULL},
    {"threads", NULL, get_threads, NULL, NULL, NULL, napi_default, NULL},
    {"config", NULL, get_config, NULL, NULL, NULL, napi_default, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
