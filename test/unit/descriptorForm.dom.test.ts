/** The generic descriptor form (through the training form) and the JSON view of a config. */
import { mount } from '@vue/test-utils'
import { describe, expect, it, vi } from 'vitest'
import { computed, defineComponent, h, nextTick, ref } from 'vue'
import { findPreset } from '../../src-shared/studies'
import { trainingDefaults, type TrainingConfig } from '../../src-shared/studies/training'
import { problemsByPath } from '../../src-renderer/lib/validation'
import DescriptorFields from '../../src-renderer/components/forms/DescriptorFields.vue'
import JsonConfigView from '../../src-renderer/components/forms/JsonConfigView.vue'
import TrainingForm from '../../src-renderer/studies/training/TrainingForm.vue'

vi.mock('../../src-renderer/api/client', async () => (await import('./fakeLab')).quietClientModule())

const cpu = findPreset('training', 'cpu')!.config as TrainingConfig

function mountForm(component: any, extra: Record<string, unknown> = {}) {
  const config = ref<TrainingConfig>(structuredClone(trainingDefaults))
  const Host = defineComponent({
    setup: () => {
      const errors = computed(() => problemsByPath('training', config.value))
      return () => h(component, { modelValue: config.value, 'onUpdate:modelValue': (v: TrainingConfig) => (config.value = v), errors: errors.value, ...extra })
    }
  })
  return { wrapper: mount(Host), config }
}

describe('descriptor form', () => {
  it('generates labelled fields with ranges from the schema and help with the source reference', () => {
    const { wrapper } = mountForm(DescriptorFields, { studyId: 'training', group: 'Training' })
    expect(wrapper.find('#f-optimizer-learningRate').exists()).toBe(true)
    expect(wrapper.get('[data-field="optimizer.learningRate"] .help').text()).toBe('> 0, ≤ 10')
    expect(wrapper.get('[data-testid="help-epochs"]').attributes('title')).toMatch(/thesis §7\.6/)
    // Enum fields are selects with the descriptor's labels; momentum only shows for SGD.
    expect(wrapper.get('#f-optimizer-kind').findAll('option').map((o) => o.text())).toEqual(['SGD (momentum)', 'Adam'])
    expect(wrapper.find('#f-optimizer-momentum').exists()).toBe(false)
    expect(wrapper.find('#f-dataset-n').exists()).toBe(false) // another group
    expect(wrapper.find('[data-testid="long-help-epochs"]').exists()).toBe(false)
  })

  it('shows the full help with its source reference on request', () => {
    const { wrapper } = mountForm(DescriptorFields, { studyId: 'training', group: 'Training', showHelp: true })
    expect(wrapper.get('[data-testid="long-help-epochs"]').text()).toMatch(/Passes over the training set \(thesis §7\.6: 75\)/)
  })

  it('rejects out-of-range and non-numeric values inline, and clears the error when fixed', async () => {
    const { wrapper, config } = mountForm(TrainingForm, { baseline: cpu })
    const n = wrapper.get('[data-testid="dataset-n"]')
    await n.setValue('5')
    expect((config.value.dataset as { n: number }).n).toBe(5)
    expect(n.attributes('aria-invalid')).toBe('true')
    expect(wrapper.get('#f-n-error').text()).toBe('must be ≥ 20')
    await n.setValue('300000')
    expect(wrapper.get('#f-n-error').text()).toBe('must be ≤ 200000')
    await n.setValue('12.5')
    expect(wrapper.get('#f-n-error').text()).toBe('enter a whole number')
    await wrapper.get('[data-testid="learning-rate"]').setValue('')
    expect(wrapper.get('#f-lr-error').text()).toBe('enter a number')
    await n.setValue('500')
    expect(wrapper.find('#f-n-error').exists()).toBe(false)
    expect(n.attributes('aria-invalid')).toBe('false')
  })

  it('marks fields changed from the preset and resets them one by one', async () => {
    const { wrapper, config } = mountForm(TrainingForm, { baseline: cpu })
    expect(wrapper.findAll('[data-testid^="changed-"]')).toHaveLength(0)
    await wrapper.get('[data-testid="epochs"]').setValue('7')
    await wrapper.get('[data-testid="dataset-kind"]').setValue('checkerboard')
    expect(wrapper.findAll('[data-testid^="changed-"]').map((e) => e.attributes('data-testid')).sort()).toEqual(['changed-dataset.kind', 'changed-epochs'])
    expect(wrapper.get('[data-testid="changed-epochs"]').attributes('title')).toContain('preset: 50')
    await wrapper.get('[data-testid="reset-epochs"]').trigger('click')
    expect(config.value.epochs).toBe(50)
    expect(wrapper.find('[data-testid="changed-epochs"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="changed-dataset.kind"]').exists()).toBe(true)
    // Resetting a discriminator goes back to the preset's variant with that variant's fields only (no board size).
    await wrapper.get('[data-testid="reset-dataset.kind"]').trigger('click')
    expect(config.value.dataset).toEqual(cpu.dataset)
    expect(problemsByPath('training', config.value)).toEqual({})
    expect(wrapper.findAll('[data-testid^="changed-"]')).toHaveLength(0)
    // Without a baseline there are no markers.
    const plain = mountForm(TrainingForm)
    await plain.wrapper.get('[data-testid="epochs"]').setValue('7')
    expect(plain.wrapper.findAll('[data-testid^="changed-"]')).toHaveLength(0)
  })
})

describe('JSON view', () => {
  function mountJson() {
    const config = ref<TrainingConfig>(structuredClone(trainingDefaults))
    const Host = defineComponent({
      setup: () => () => h(JsonConfigView, { modelValue: config.value, 'onUpdate:modelValue': (v: TrainingConfig) => (config.value = v), studyId: 'training' })
    })
    return { wrapper: mount(Host), config }
  }
  const edit = (text: string, fn: (c: any) => void) => {
    const c = JSON.parse(text)
    fn(c)
    return JSON.stringify(c, null, 2)
  }

  it('shows the whole config', () => {
    const { wrapper } = mountJson()
    expect(JSON.parse((wrapper.get('[data-testid="config-json"]').element as HTMLTextAreaElement).value)).toEqual(trainingDefaults)
    expect(wrapper.get('[data-testid="json-status"]').text()).toMatch(/valid/)
  })

  it('an invalid value is not applied and its path is named', async () => {
    const { wrapper, config } = mountJson()
    const ta = wrapper.get('[data-testid="config-json"]')
    await ta.setValue(edit((ta.element as HTMLTextAreaElement).value, (c) => (c.optimizer.learningRate = -1)))
    expect(config.value.optimizer.learningRate).toBe(0.01)
    expect(wrapper.get('[data-testid="json-errors"]').text()).toMatch(/optimizer\.learningRate: .*0/)
    expect(wrapper.get('[data-testid="json-status"]').text()).toMatch(/not applied/)
    await ta.setValue(edit((ta.element as HTMLTextAreaElement).value, (c) => (c.extra = 1)))
    expect(wrapper.get('[data-testid="json-errors"]').text()).toMatch(/extra/)
  })

  it('a syntax error names the line; a valid edit is applied at once', async () => {
    const { wrapper, config } = mountJson()
    const ta = wrapper.get('[data-testid="config-json"]')
    await ta.setValue('{\n  "epochs": 3,\n  oops\n}')
    expect(wrapper.get('[data-testid="json-errors"]').text()).toMatch(/\(JSON\): not valid JSON/)
    expect(config.value.epochs).toBe(50)
    await ta.setValue(JSON.stringify({ ...trainingDefaults, epochs: 3, dataset: { ...trainingDefaults.dataset, kind: 'xor' } }))
    expect(config.value.epochs).toBe(3)
    expect(config.value.dataset.kind).toBe('xor')
    expect(wrapper.find('[data-testid="json-errors"]').exists()).toBe(false)
  })

  it('follows changes made elsewhere (the form, a preset)', async () => {
    const { wrapper, config } = mountJson()
    config.value.seed = 42
    await nextTick()
    expect(JSON.parse((wrapper.get('[data-testid="config-json"]').element as HTMLTextAreaElement).value).seed).toBe(42)
  })
})
