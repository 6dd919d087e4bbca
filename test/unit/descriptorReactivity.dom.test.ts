/**
 * Config paths read inside Vue computeds (the editor's "changed from the preset", the form's visibility): a field
 * added to a reactive config after the first read must be seen — adding a probe marks `probes` changed.
 */
import { describe, expect, it } from 'vitest'
import { computed, reactive } from 'vue'
import { getPath, sameValue } from '../../src-shared/studies'

describe('getPath on reactive configs', () => {
  it('sees fields added after the first read, and still refuses prototype paths', () => {
    const config = reactive<Record<string, any>>({ epochs: 3, dataset: {} })
    const probes = computed(() => getPath(config, 'probes'))
    const cells = computed(() => getPath(config, 'dataset.cells'))
    const changed = computed(() => !sameValue(getPath(config, 'probes'), undefined))
    expect([probes.value, cells.value, changed.value]).toEqual([undefined, undefined, false])
    config.probes = [{ id: 'confusion', every: 2, params: {} }]
    config.dataset.cells = 8
    expect(probes.value).toEqual([{ id: 'confusion', every: 2, params: {} }])
    expect(cells.value).toBe(8)
    expect(changed.value).toBe(true)
    expect(getPath(config, '__proto__')).toBeUndefined()
    expect(getPath(config, 'constructor.name')).toBeUndefined()
    expect(getPath(config, 'toString')).toBeUndefined()
  })
})
