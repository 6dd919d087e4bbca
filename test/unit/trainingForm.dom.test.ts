import { mount } from '@vue/test-utils'
import { describe, expect, it, vi } from 'vitest'
import { computed, defineComponent, h, ref } from 'vue'
import { layers, layerList, trainingDefaults, type TrainingConfig } from '../../src-shared/studies/training'
import { problemsByPath } from '../../src-renderer/lib/validation'
import TrainingForm from '../../src-renderer/studies/training/TrainingForm.vue'

vi.mock('../../src-renderer/api/client', async () => (await import('./fakeLab')).quietClientModule())

/** The form as the editor uses it: v-model on a config, errors recomputed from the study schema. */
function mountForm(initial: Partial<TrainingConfig> = {}) {
  const config = ref<TrainingConfig>({ ...structuredClone(trainingDefaults), ...initial })
  const Host = defineComponent({
    setup: () => {
      const errors = computed(() => problemsByPath('training', config.value))
      return () => h(TrainingForm, { modelValue: config.value, 'onUpdate:modelValue': (v: TrainingConfig) => (config.value = v), errors: errors.value })
    }
  })
  return { wrapper: mount(Host), config }
}

describe('training form', () => {
  it('shows no errors for the defaults', () => {
    const { wrapper } = mountForm()
    expect(wrapper.findAll('[role="alert"]')).toHaveLength(0)
  })

  it('choosing a gradient-amplification output brings its targets (and α, β) and only those, from the keyboard too', async () => {
    const { wrapper, config } = mountForm()
    const loss = wrapper.get('[data-testid="field-loss"]')
    expect(wrapper.find('[data-testid="field-lossParams.trueTarget"]').exists()).toBe(false)
    await loss.setValue('exp-ga')
    expect(config.value.loss).toBe('exp-ga')
    expect(config.value.lossParams).toEqual({ trueTarget: 16, otherTarget: 0, alpha: 0.1 })
    expect(wrapper.find('[data-testid="field-lossParams.alpha"]').exists()).toBe(true)
    expect(wrapper.find('[data-testid="field-lossParams.beta"]').exists()).toBe(false)
    expect(wrapper.findAll('[role="alert"]')).toHaveLength(0)
    await wrapper.get('[data-testid="field-lossParams.trueTarget"]').setValue('6')
    expect(config.value.lossParams!.trueTarget).toBe(6)
    await loss.setValue('pow3-ga')
    expect(config.value.lossParams).toEqual({ trueTarget: 10, otherTarget: 0, alpha: 0.001, beta: 0.4 })
    expect(wrapper.find('[data-testid="field-lossParams.beta"]').exists()).toBe(true)
    await loss.setValue('linear-mse')
    expect(config.value.lossParams).toEqual({ trueTarget: 1, otherTarget: -1 })
    expect(wrapper.find('[data-testid="field-lossParams.alpha"]').exists()).toBe(false)
    await loss.setValue('mse')
    expect(config.value.lossParams).toBeUndefined()
    expect('lossParams' in config.value).toBe(false)
    expect(wrapper.find('[data-testid="field-lossParams.trueTarget"]').exists()).toBe(false)
    expect(wrapper.findAll('[role="alert"]')).toHaveLength(0)
  })

  it('marks an out-of-range learning rate inline and clears it when fixed', async () => {
    const { wrapper, config } = mountForm()
    const lr = wrapper.get('[data-testid="learning-rate"]')
    await lr.setValue('-1')
    expect(config.value.optimizer.learningRate).toBe(-1)
    expect(lr.attributes('aria-invalid')).toBe('true')
    expect(wrapper.get('#f-lr-error').text()).toMatch(/0/)
    await lr.setValue('0.05')
    expect(lr.attributes('aria-invalid')).toBe('false')
    expect(wrapper.find('#f-lr-error').exists()).toBe(false)
  })

  it('names the offending layer when its width is invalid', async () => {
    const { wrapper } = mountForm()
    await wrapper.get('[data-testid="layer-units-1"]').setValue('0')
    expect(wrapper.get('#f-units-1-error').text()).not.toBe('')
    expect(wrapper.find('#f-units-0-error').exists()).toBe(false)
  })

  it('adds and removes hidden layers, never below one', async () => {
    const { wrapper, config } = mountForm({ network: layers({ type: 'dense', units: 8, activation: 'tanh' }) })
    const removeFirst = () => wrapper.get('[aria-label="Remove layer 1"]')
    expect(removeFirst().attributes('disabled')).toBeDefined()
    await wrapper.get('button.small:not(.danger)').trigger('click') // + Add layer
    expect(layerList(config.value)!).toEqual([
      { type: 'dense', units: 8, activation: 'tanh' },
      { type: 'dense', units: 8, activation: 'tanh' }
    ])
    await removeFirst().trigger('click')
    expect(layerList(config.value)!).toHaveLength(1)
  })

  it('shows the board size only for the checkerboard', async () => {
    const { wrapper } = mountForm()
    expect(wrapper.find('#f-cells').exists()).toBe(false)
    await wrapper.get('[data-testid="dataset-kind"]').setValue('checkerboard')
    expect(wrapper.find('#f-cells').exists()).toBe(true)
  })
})

describe('layer editor', () => {
  it('shows each layer\'s output shape and parameter count, and the total', () => {
    const { wrapper } = mountForm({ network: layers({ type: 'dense', units: 8, activation: 'tanh' }) })
    // 2 inputs → 8 units (2·8 + 8 = 24) → 2 outputs (8·2 + 2 = 18)
    expect(wrapper.get('[data-testid="layer-shape-0"]').text()).toBe('→ 8 · 24 params')
    expect(wrapper.get('[data-testid="param-count"]').text()).toBe('42 parameters in total')
  })

  it('switches a layer\'s type and shows that type\'s fields only', async () => {
    const { wrapper, config } = mountForm({ network: layers({ type: 'dense', units: 8, activation: 'tanh' }, { type: 'dense', units: 8, activation: 'tanh' }) })
    // A layer holds exactly its type's fields: a dropout layer has a rate and no width or activation.
    await wrapper.get('[data-testid="layer-type-1"]').setValue('dropout')
    expect(layerList(config.value)![1]).toEqual({ type: 'dropout', rate: 0.5 })
    expect(wrapper.find('[data-testid="layer-rate-1"]').exists()).toBe(true)
    expect(wrapper.find('[data-testid="layer-units-1"]').exists()).toBe(false)
    expect(wrapper.find('#f-act-1').exists()).toBe(false)
    await wrapper.get('[data-testid="layer-rate-1"]').setValue('0.99')
    expect(wrapper.get('#f-rate-1-error').text()).not.toBe('')
    // Back to dense: the dropout layer kept no width, so the layer starts from a dense layer's defaults.
    await wrapper.get('[data-testid="layer-type-1"]').setValue('dense')
    expect(layerList(config.value)![1]).toEqual({ type: 'dense', units: 64, activation: 'relu' })
    expect(wrapper.find('[data-testid="layer-rate-1"]').exists()).toBe(false)
    // Dense ↔ conv keeps what both have: the width becomes the filter count and back, the activation stays.
    await wrapper.get('[data-testid="layer-type-0"]').setValue('conv2d')
    expect(layerList(config.value)![0]).toEqual({ type: 'conv2d', filters: 8, kernelSize: 3, strides: 1, padding: 'valid', activation: 'tanh' })
    await wrapper.get('[data-testid="layer-type-0"]').setValue('dense')
    expect(layerList(config.value)![0]).toEqual({ type: 'dense', units: 8, activation: 'tanh' })
  })

  it('names a conv layer on flat data as the problem', async () => {
    const { wrapper, config } = mountForm({ network: layers({ type: 'dense', units: 8, activation: 'relu' }) })
    await wrapper.get('[data-testid="layer-type-0"]').setValue('conv2d')
    expect(layerList(config.value)![0]).toEqual({ type: 'conv2d', filters: 8, kernelSize: 3, strides: 1, padding: 'valid', activation: 'relu' })
    expect(wrapper.find('[data-testid="layer-filters-0"]').exists()).toBe(true)
    expect(wrapper.get('[data-testid="layer-shape-error-0"]').text()).toMatch(/layer 1 \(conv2d\) needs an image input/)
  })
})

describe('form messages', () => {
  it('says what to enter rather than how the schema failed', () => {
    const errors = (patch: (c: TrainingConfig) => void) => {
      const c = structuredClone(trainingDefaults)
      patch(c)
      return problemsByPath('training', c)
    }
    expect(errors((c) => ((c.epochs as unknown) = ''))).toEqual({ epochs: 'enter a number' })
    expect(errors((c) => (c.epochs = 2.5))).toEqual({ epochs: 'enter a whole number' })
    expect(errors((c) => (c.epochs = 0))).toEqual({ epochs: 'must be ≥ 1' })
    expect(errors((c) => (c.optimizer.learningRate = 0))).toEqual({ 'optimizer.learningRate': 'must be > 0' })
    expect(errors((c) => ((c.dataset.testFraction = 0.95), (c.dataset.validationFraction = 0)))).toEqual({ 'dataset.testFraction': 'must be ≤ 0.9' })
    // Each fraction in range, but together they leave too little to train on: said on the validation fraction.
    expect(errors((c) => ((c.dataset.testFraction = 0.9), (c.dataset.validationFraction = 0.1)))).toEqual({
      'dataset.validationFraction': 'test and validation fractions together leave almost nothing to train on (at most 0.95 in all)'
    })
  })
})
