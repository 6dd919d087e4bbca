import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import NetworkSection from '../../src-renderer/studies/training/NetworkSection.vue'

/** A library dataset's sample shape is unknown to the config schema: the network section reports shape errors itself. */
describe('network shape problems on a library dataset', () => {
  const mountWith = (layers: unknown[], input: number[]) =>
    mount(NetworkSection, { props: { modelValue: { layers } as never, io: { input, outputs: 10 }, errors: {} } })

  it('reports a network that collapses the image, naming the layer', async () => {
    const w = mountWith(
      [
        { type: 'maxpool2d', poolSize: 8, strides: 8, padding: 'valid' },
        { type: 'maxpool2d', poolSize: 8, strides: 8, padding: 'valid' }
      ],
      [28, 28, 1]
    )
    await w.vm.$nextTick()
    const emitted = w.emitted('update:problem') ?? []
    expect(String(emitted.at(-1)?.[0])).toMatch(/layer 2/)
  })

  it('reports nothing for a network that fits the data', async () => {
    const w = mountWith([{ type: 'conv2d', filters: 16, kernelSize: 3, strides: 1, padding: 'valid', activation: 'relu' }, { type: 'dense', units: 32, activation: 'relu' }], [28, 28, 1])
    await w.vm.$nextTick()
    const emitted = w.emitted('update:problem') ?? []
    expect(emitted.length === 0 || emitted.at(-1)?.[0] === null).toBe(true)
  })
})
