/** A list field shows the error of an item inside it (the schema names `compression.floors.0`, the form has one field for the list). */
import { flushPromises, mount } from '@vue/test-utils'
import { expect, it, vi } from 'vitest'
import { computed, defineComponent, h, ref } from 'vue'
import { withDefaults as complete } from '../../src-shared/studies'
import { weightCompressionDefaults } from '../../src-shared/studies/weight-compression'
import { problemsByPath } from '../../src-renderer/lib/validation'
import GenericStudyForm from '../../src-renderer/studies/generic/GenericStudyForm.vue'

vi.mock('../../src-renderer/api/client', async () => (await import('./fakeLab')).quietClientModule())

it('the floors field says which floor is wrong and why; a valid list shows nothing', async () => {
  const config = ref<any>(complete(weightCompressionDefaults, { compression: { kind: 'dynamic', entropyBits: 4, fraction: 0.03, floors: [28, 5] } }))
  const Host = defineComponent({
    setup: () => {
      const errors = computed(() => problemsByPath('weight-compression', config.value))
      return () => h(GenericStudyForm, { modelValue: config.value, 'onUpdate:modelValue': (v: unknown) => (config.value = v), studyId: 'weight-compression', errors: errors.value })
    }
  })
  const w = mount(Host)
  await flushPromises()
  const field = () => w.get('[data-field="compression.floors"]')
  expect(field().get('[role="alert"]').text()).toBe('item 1: c + M may reach 32 bits; at most 30')
  // A heading with fields of its own does not repeat its fields' errors.
  expect(w.find('[data-field="compression"] [role="alert"]').exists()).toBe(false)
  config.value = { ...config.value, compression: { ...config.value.compression, floors: [6, 5] } }
  await flushPromises()
  expect(field().find('[role="alert"]').exists()).toBe(false)
})

it('an object field without fields of its own (a generator\'s settings, a record) is edited as JSON, not shown as "[object Object]"', async () => {
  const { platonicDefaults } = await import('../../src-shared/studies/platonic')
  const config = ref<any>(complete(platonicDefaults, {}))
  const w = mount(GenericStudyForm, { props: { modelValue: config.value, 'onUpdate:modelValue': (v: unknown) => (config.value = v), studyId: 'platonic', errors: {} } })
  await flushPromises()
  const field = w.get('[data-testid="field-dataset.params"]')
  expect((field.element as HTMLInputElement | HTMLTextAreaElement).value.replace(/\s/g, '')).toBe('{"n":5000,"noise":0}')
  expect(w.html()).not.toContain('[object Object]')
})
