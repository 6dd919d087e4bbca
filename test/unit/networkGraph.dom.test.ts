/** The network section's List / Graph toggle and the graph editor in happy-dom (Vue Flow mounted for real). */
import { mount, flushPromises } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import { defineComponent, h, ref } from 'vue'
import { trainingDefaults, type TrainingConfig } from '../../src-shared/studies/training'
import NetworkSection from '../../src-renderer/studies/training/NetworkSection.vue'

function mountSection() {
  const network = ref<TrainingConfig['network']>(structuredClone(trainingDefaults.network))
  const Host = defineComponent({
    setup: () => () => h(NetworkSection, { modelValue: network.value, 'onUpdate:modelValue': (v: TrainingConfig['network']) => (network.value = v), io: { input: [2], outputs: 2 }, errors: {} })
  })
  /** The graph, while the network is one (a network is a list or a graph, never both). */
  const graph = () => {
    if (network.value.form !== 'graph') throw new Error(`the network is a ${network.value.form}, not a graph`)
    return network.value.graph
  }
  return { wrapper: mount(Host, { attachTo: document.body }), network, graph }
}

describe('network section: list ↔ graph', () => {
  it('converts the list to a chain graph, edits it with undo/redo/delete keys, and converts back', async () => {
    const { wrapper, network, graph } = mountSection()
    await wrapper.get('[data-testid="network-mode-graph"]').trigger('click')
    await flushPromises()
    // The config now holds the graph only (no layer list beside it).
    expect(Object.keys(network.value).sort()).toEqual(['form', 'graph'])
    expect(graph().nodes.map((n) => n.type)).toEqual(['input', 'dense', 'dense', 'dense', 'output'])
    expect(graph().nodes.every((n) => n.position)).toBe(true) // laid out
    expect(wrapper.get('[data-testid="graph-param-count"]').text()).toContain(`${(2 * 64 + 64 + 2 * (64 * 64 + 64) + 64 * 2 + 2).toLocaleString("en-US")} parameters`)

    // Palette: a new concatenate node is selected and dangling, so the graph is invalid.
    await wrapper.get('[data-testid="palette-concatenate"]').trigger('click')
    await flushPromises()
    expect(graph().nodes.at(-1)).toMatchObject({ id: 'concatenate1', type: 'concatenate' })
    expect(wrapper.get('[data-testid="graph-invalid"]').text()).toMatch(/cannot be launched/)
    expect(wrapper.get('[data-testid="panel-error"]').text()).toMatch(/concatenate "concatenate1" has no input/)

    // Delete key removes the selection; Ctrl+Z brings it back; Ctrl+Shift+Z removes it again.
    const editor = wrapper.get('[data-testid="graph-editor"]')
    await editor.trigger('keydown', { key: 'Delete' })
    expect(graph().nodes).toHaveLength(5)
    await editor.trigger('keydown', { key: 'z', ctrlKey: true })
    expect(graph().nodes).toHaveLength(6)
    await editor.trigger('keydown', { key: 'z', ctrlKey: true, shiftKey: true })
    expect(graph().nodes).toHaveLength(5)

    // Side panel: set a param of the selected node (select via the palette's new node, then edit units).
    await wrapper.get('[data-testid="palette-dense"]').trigger('click')
    const units = wrapper.get('[data-testid="param-units"]')
    await units.setValue('5')
    await units.trigger('change')
    expect(graph().nodes.find((n) => n.id === 'dense1')!.params.units).toBe(5)

    // Not a chain (dense1 dangles): the list toggle says so and keeps the graph.
    await wrapper.get('[data-testid="network-mode-list"]').trigger('click')
    expect(wrapper.get('[data-testid="network-mode-problem"]').text()).toMatch(/not a chain/)
    expect(network.value.form).toBe('graph')
    expect(graph().nodes.find((n) => n.id === 'dense1')).toBeDefined()

    // Remove it again (Backspace), and the chain converts back to the same layers.
    await editor.trigger('keydown', { key: 'Backspace' })
    await wrapper.get('[data-testid="network-mode-list"]').trigger('click')
    // The list only, with the same layers (no graph kept beside it).
    expect(network.value).toEqual(trainingDefaults.network)
    expect(Object.keys(network.value).sort()).toEqual(['form', 'layers'])
    expect(wrapper.find('[data-testid="graph-editor"]').exists()).toBe(false)
    wrapper.unmount()
  })
})
