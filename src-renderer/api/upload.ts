/**
 * Upload of one file to serve mode's `POST /upload?name=…` (same origin; the token cookie set by the page
 * load authorises it). XMLHttpRequest rather than fetch because it reports upload progress.
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
