import type { Component } from 'vue'

/**
 * A study's renderer parts (src-renderer/studies/<id>/index.ts). Everything is optional: a study without a
 * form gets the generic descriptor form, and its declared outputs are drawn by the generic panels.
 */
export interface StudyView {
  id: string
  /** Its own experiment form (v-model = the config; props errors, baseline, showHelp). */
  form?: Component
  /** Components of its `custom` outputs, by the output's `panel` name. */
  panels?: Record<string, Component>
  /** Inputs of its `custom` config fields, by field path (props modelValue, id, error). */
  fields?: Record<string, Component>
  /** Viewers of series keys (patterns with `*`) in the compare view's grid, where no generic kind fits. */
  seriesViewers?: Record<string, Component>
}
