/** A probe's list params (k-redundancy's k, the PCA's classes) in the probes section: shown, edited as comma-separated numbers, errors inline. */
import { flushPromises, mount } from '@vue/test-utils'
import { expect, it } from 'vitest'
import { computed, defineComponent, h, ref } from 'vue'
import ProbesSection from '../../src-renderer/components/forms/ProbesSection.vue'
import { newProbeEntry, type ProbeEntry } from '../../src-shared/probes'
import { validateConfig, withDefaults } from '../../src-shared/studies'
import { trainingDefaults } from '../../src-shared/studies/training'

it('k = 5, 10, 20 is shown and edited as text; a k too large for the chunk is reported on the field', async () => {
  const probes = ref<ProbeEntry[] | undefined>([newProbeEntry('kred')])
  const Host = defineComponent({
    setup: () => {
      const errors = computed(() => {
        const v = validateConfig('training', withDefaults(trainingDefaults, { dataset: { kind: 'stored', datasetId: 'builtin-mnist', testFraction: 0.2, validationFraction: 0.1 }, probes: probes.value }))
        return v.ok ? {} : Object.fromEntries(v.problems.map((p) => [p.path, p.message]))
      })
      return () => h(ProbesSection, { modelValue: probes.value, 'onUpdate:modelValue': (v: ProbeEntry[] | undefined) => (probes.value = v), errors: errors.value })
    }
  })
  const w = mount(Host)
  await flushPromises()
  const ks = w.get('[data-testid="probe-kred-ks"]')
  expect((ks.element as HTMLInputElement).value).toBe('5, 10, 20')
  await ks.setValue('3, 7')
  await flushPromises()
  expect(probes.value![0].params.ks).toEqual([3, 7])
  // A k of 2 500 cannot be searched in chunks of 2 000: the schema says so beside the field.
  await ks.setValue('2500')
  await flushPromises()
  expect(probes.value![0].params.ks).toEqual([2500])
  expect(w.text()).toMatch(/k = 2500 needs chunks of more than 2500 rows/)
})
