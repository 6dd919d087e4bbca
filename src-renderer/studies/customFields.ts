/**
 * Inputs for the `custom` fields of studies without a form of their own, by study id and field path. The generic
 * form renders the component with `modelValue` (the field's value), `id` and `error`, and writes back what it
 * emits as `update:modelValue`; fields not listed here are edited as JSON. Components load lazily.
 */
import { defineAsyncComponent, type Component } from 'vue'

const CUSTOM_FIELDS: Record<string, Record<string, Component>> = {
  neurashed: { graph: defineAsyncComponent(() => import('./neurashed/GraphEditor.vue')) }
}

/** The input component of a custom field, if the study has one. */
export function customField(studyId: string, path: string): Component | null {
  return CUSTOM_FIELDS[studyId]?.[path] ?? null
}
