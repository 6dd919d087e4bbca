/**
 * Files between the browser and serve mode (same origin; the token cookie set by the page load authorises
 * both): upload one to `POST /upload?name=…` (XMLHttpRequest rather than fetch because it reports upload
 * progress), and download what the engine streams (a run's export).
 */
import { EngineError } from './client'

export function uploadFile(file: Blob & { name: string }, onProgress: (loaded: number, total: number) => void, signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', `/upload?name=${encodeURIComponent(file.name)}`)
    xhr.setRequestHeader('Content-Type', 'application/octet-stream')
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size)
    xhr.onload = () => {
      let body: { path?: string; error?: unknown } = {}
      try {
        body = JSON.parse(xhr.responseText || '{}')
      } catch {
        /* not JSON: reported below */
      }
      if (xhr.status >= 200 && xhr.status < 300 && typeof body.path === 'string') {
        onProgress(file.size, file.size)
        resolve(body.path)
      } else {
        const err = body.error as { message?: string } | string | undefined
        const message = typeof err === 'string' ? err : err?.message ?? (xhr.responseText.slice(0, 200) || xhr.statusText)
        reject(new EngineError('upload-failed', `uploading ${file.name} failed (HTTP ${xhr.status}): ${message}`))
      }
    }
    xhr.onerror = () => reject(new EngineError('upload-failed', `uploading ${file.name} failed: the connection was lost`))
    xhr.onabort = () => reject(new EngineError('cancelled', `upload of ${file.name} cancelled`))
    signal?.addEventListener('abort', () => xhr.abort(), { once: true })
    xhr.send(file)
  })
}

/**
 * Let the browser download `path` from the engine: it streams the response to disk under the name the
 * engine gives (Content-Disposition), so nothing large passes through the page's memory.
 */
export function downloadFromEngine(path: string): void {
  const a = document.createElement('a')
  a.href = path
  a.download = ''
  document.body.appendChild(a)
  a.click()
  a.remove()
}
