/** Save text or a data URL as a file: Electron shows its save dialog, a browser downloads it. */
export function downloadBlob(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob)
  downloadDataUrl(name, url)
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}

export function downloadText(name: string, text: string, type = 'text/plain'): void {
  downloadBlob(name, new Blob([text], { type }))
}

/** Save a data: or blob: URL under `name`. */
export function downloadDataUrl(name: string, dataUrl: string): void {
  const a = document.createElement('a')
  a.href = dataUrl
  a.download = name
  document.body.appendChild(a)
  a.click()
  a.remove()
}

/** CSV with quoting where needed; numbers written in full precision. */
export function toCsv(header: string[], rows: (string | number | null)[][]): string {
  const cell = (v: string | number | null) => {
    if (v == null || (typeof v === 'number' && !Number.isFinite(v))) return ''
    const s = String(v)
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
  }
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\n') + '\n'
}

/** A file name from a title: letters of any script, digits, dots and dashes kept (λ, σ, é), the rest one `_`. */
export function safeFileName(s: string): string {
  return s.replace(/[^\p{L}\p{N}.-]+/gu, '_').replace(/^_+|_+$/g, '').slice(0, 80) || 'chart'
}
