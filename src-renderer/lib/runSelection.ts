/**
 * Which runs are selected in the table: click toggles one, shift-click selects the range from the last
 * clicked row in the order shown, select all takes the rows the filter shows.
 */
import { computed, ref, type Ref } from 'vue'

export function useRunSelection(order: Ref<readonly string[]>) {
  const selected = ref(new Set<string>())
  let anchor: string | null = null

  function toggle(id: string, range = false): void {
    const next = new Set(selected.value)
    const ids = order.value
    const from = range && anchor ? ids.indexOf(anchor) : -1
    const to = ids.indexOf(id)
    if (from >= 0 && to >= 0) {
      // The range takes the state of the anchor row (as in file managers).
      const on = next.has(anchor!)
      for (let i = Math.min(from, to); i <= Math.max(from, to); i++) on ? next.add(ids[i]) : next.delete(ids[i])
    } else if (next.has(id)) next.delete(id)
    else next.add(id)
    anchor = id
    selected.value = next
  }

  function selectAll(): void {
    selected.value = new Set(order.value)
  }

  function clear(): void {
    selected.value = new Set()
    anchor = null
  }

  /** Drop ids that are no longer runs (deleted elsewhere). */
  function keepOnly(existing: ReadonlySet<string> | Map<string, unknown>): void {
    if ([...selected.value].every((id) => existing.has(id))) return
    selected.value = new Set([...selected.value].filter((id) => existing.has(id)))
  }

  /** Selected ids in the order shown, then any the filter hides now. */
  const ids = computed(() => {
    const sel = selected.value
    const shown = order.value.filter((id) => sel.has(id))
    if (shown.length === sel.size) return shown
    const seen = new Set(shown)
    return [...shown, ...[...sel].filter((id) => !seen.has(id))]
  })
  return { selected, ids, toggle, selectAll, clear, keepOnly }
}

export type RunSelection = ReturnType<typeof useRunSelection>
