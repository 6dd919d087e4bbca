/**
 * How long each launchable card's CPU-sized preset took, measured end to end on one of this project's
 * machines by `npm run bench -- --cards` (bench section 10) — what the gallery and `templates` show, so the
 * cards say measured times, not guesses. The editor's estimate before launch uses this machine's own rate.
 */
export interface MeasuredTimes {
  machine: string
  backend: string
  date: string
  seconds: Record<string, number>
}

export const MEASURED: MeasuredTimes = {
  machine: '',
  backend: '',
  date: '',
  seconds: {}
}

/** "measured: 14 s on wasm (2 cores, 2026-12-03)", or null for a card not measured. */
export function measuredText(cardId: string): string | null {
  const s = Object.hasOwn(MEASURED.seconds, cardId) ? MEASURED.seconds[cardId] : undefined
  if (s === undefined) return null
  const t = s < 60 ? `${s < 10 ? s.toFixed(1) : Math.round(s)} s` : `${Math.floor(s / 60)} min ${String(Math.round(s % 60)).padStart(2, '0')} s`
  return `measured: ${t} on ${MEASURED.backend} (${MEASURED.machine.split(',')[0]}, ${MEASURED.date})`
}
