/**
 * Run `fn` once, `ms` after the first of a burst of calls: bursts of engine events (a run finishing
 * emits several) become one reload instead of many.
 */
export function coalesce(fn: () => void | Promise<unknown>, ms: number): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null
  return () => {
    if (timer) return
    timer = setTimeout(() => {
      timer = null
      void Promise.resolve(fn()).catch(() => {})
    }, ms)
  }
}
