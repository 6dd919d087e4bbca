/** The generic ParamSpec form (dataset generators) and the image-grid decoding of previews. */
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import { defineComponent, h, ref } from 'vue'
import type { ParamSpec } from '../../src-shared/datasets'
import ParamForm from '../../src-renderer/components/datasets/ParamForm.vue'
import { decodeImages, imageRgba, labelText } from '../../src-renderer/lib/images'
import { defaultParams, paramErrors, type ParamValues } from '../../src-renderer/lib/params'

const SPECS: ParamSpec[] = [
  { key: 'n', label: 'Points', type: 'int', default: 2000, min: 20, max: 200_000, help: 'samples in total' },
  { key: 'noise', label: 'Noise', type: 'number', default: 0.1, min: 0, max: 1 },
  { key: 'layout', label: 'Layout', type: 'enum', default: 'grid', options: ['grid', 'random'] },
  { key: 'balanced', label: 'Balanced', type: 'boolean', default: true }
]

function mountForm(specs = SPECS) {
  const values = ref<ParamValues>(defaultParams(specs))
  const Host = defineComponent({
    setup: () => () => h(ParamForm, { specs, idPrefix: 'g', modelValue: values.value, 'onUpdate:modelValue': (v: ParamValues) => (values.value = v) })
  })
  return { wrapper: mount(Host), values }
}

describe('ParamSpec form', () => {
  it('starts from the defaults, one field per parameter with its type, range and help', () => {
    const { wrapper, values } = mountForm()
    expect(values.value).toEqual({ n: 2000, noise: 0.1, layout: 'grid', balanced: true })
    expect((wrapper.get('#g-n').element as HTMLInputElement).value).toBe('2000')
    expect(wrapper.get('#g-n').attributes('step')).toBe('1')
    expect(wrapper.get('#g-noise').attributes('step')).toBe('any')
    expect(wrapper.get('#g-layout').element.tagName).toBe('SELECT')
    expect(wrapper.findAll('#g-layout option').map((o) => o.text())).toEqual(['grid', 'random'])
    expect((wrapper.get('#g-balanced').element as HTMLInputElement).checked).toBe(true)
    expect(wrapper.text()).toContain('20 – 200000 · samples in total')
    expect(wrapper.findAll('[role="alert"]')).toHaveLength(0)
  })

  it('marks out-of-range, fractional and empty numbers inline and clears the message when fixed', async () => {
    const { wrapper, values } = mountForm()
    const n = wrapper.get('#g-n')
    await n.setValue('5')
    expect(n.attributes('aria-invalid')).toBe('true')
    expect(wrapper.get('#g-n-error').text()).toBe('must be ≥ 20')
    await n.setValue('20.5')
    expect(wrapper.get('#g-n-error').text()).toBe('enter a whole number')
    await n.setValue('')
    expect(wrapper.get('#g-n-error').text()).toBe('enter a number')
    await wrapper.get('#g-noise').setValue('1.5')
    expect(wrapper.get('#g-noise-error').text()).toBe('must be ≤ 1')
    expect(Object.keys(paramErrors(SPECS, values.value)).sort()).toEqual(['n', 'noise'])
    await n.setValue('300')
    await wrapper.get('#g-noise').setValue('0.5')
    expect(wrapper.find('#g-n-error').exists()).toBe(false)
    expect(values.value).toMatchObject({ n: 300, noise: 0.5 })
    expect(paramErrors(SPECS, values.value)).toEqual({})
  })

  it('writes enum and boolean choices back', async () => {
    const { wrapper, values } = mountForm()
    await wrapper.get('#g-layout').setValue('random')
    await wrapper.get('#g-balanced').setValue(false)
    expect(values.value).toMatchObject({ layout: 'random', balanced: false })
    expect(paramErrors(SPECS, { ...values.value, layout: 'spiral' })).toEqual({ layout: 'choose one of grid, random' })
  })
})

describe('image grid decoding', () => {
  const b64 = (bytes: number[]) => btoa(String.fromCharCode(...bytes))

  it('splits a base64 batch into images and expands grey pixels to RGBA', () => {
    // two 2×2 grey images
    const d = decodeImages({ height: 2, width: 2, channels: 1, pixels: b64([0, 64, 128, 255, 10, 20, 30, 40]), label: [3, 7] })
    expect(d.count).toBe(2)
    expect(Array.from(imageRgba(d, 1))).toEqual([10, 10, 10, 255, 20, 20, 20, 255, 30, 30, 30, 255, 40, 40, 40, 255])
    expect(Array.from(imageRgba(d, 0)).slice(4, 8)).toEqual([64, 64, 64, 255])
  })

  it('keeps colour images in RGB order', () => {
    const d = decodeImages({ height: 1, width: 2, channels: 3, pixels: b64([255, 0, 0, 0, 0, 255]), label: [0] })
    expect(Array.from(imageRgba(d, 0))).toEqual([255, 0, 0, 255, 0, 0, 255, 255])
  })

  it('refuses a batch that is not a whole number of images', () => {
    expect(() => decodeImages({ height: 2, width: 2, channels: 1, pixels: b64([1, 2, 3, 4, 5]), label: [0] })).toThrow(/whole number/)
  })

  it('labels with class names when the dataset has them', () => {
    const names = ['T-shirt/top', 'Trouser', 'Pullover']
    expect(labelText(1, names)).toBe('Trouser')
    expect(labelText(1, null)).toBe('1')
  })
})

describe('library summaries', async () => {
  const { provenanceSummary, formatShape, uploadedName } = await import('../../src-renderer/lib/datasetFormat')
  it('says where a dataset came from in a few words', () => {
    expect(uploadedName('/data/uploads/6f5a3b45-2794-49d5-b6b3-157e84487e31-t10k-images-idx3-ubyte.gz')).toBe('t10k-images-idx3-ubyte.gz')
    expect(provenanceSummary({ kind: 'imported', spec: {}, provenance: { importedFrom: [{ name: '6f5a3b45-2794-49d5-b6b3-157e84487e31-a.csv' }] } })).toBe('from a.csv')
    expect(provenanceSummary({ kind: 'generated', spec: { generator: 'two-spirals', seed: 7 }, provenance: {} })).toBe('two-spirals, seed 7')
    expect(provenanceSummary({ kind: 'derived', spec: { transform: { op: 'pca', components: 20 } }, provenance: { parent: { name: 'MNIST' }, varianceExplained: 0.645 } })).toBe('pca (components 20, 64.5 % variance) of MNIST')
    expect(formatShape({ shape: { n: 10000, sample: [28, 28, 1], dtype: 'uint8', task: 'classification', classes: 10, targets: 1 } })).toBe('10,000 × 28×28×1 (uint8)')
  })
})
