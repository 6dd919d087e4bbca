import { LabError, type WireMessage } from '../../../src-shared/contract'
import type { Lab } from '../lab'

/**
 * Answer one wire message from any transport. Malformed messages get an error reply (when they carry
 * an id) and never throw: a bad caller cannot take the engine down.
 */
export async function answer(lab: Lab, raw: unknown, reply: (m: WireMessage) => void): Promise<void> {
  const msg = raw as Partial<Extract<WireMessage, { type: 'call' }>>
  if (!msg || typeof msg !== 'object' || msg.type !== 'call' || typeof msg.id !== 'number') {
    if (msg && typeof msg === 'object' && typeof msg.id === 'number') {
      reply({ type: 'error', id: msg.id, error: { code: 'bad-request', message: 'expected {type: "call", id, method, params}' } })
    }
    return
  }
  try {
    // The method goes in as sent: validateCall refuses anything but a known name (never calls its toString).
    const result = await lab.call(msg.method as string, msg.params)
    reply({ type: 'result', id: msg.id, result })
  } catch (err) {
    const e = err instanceof LabError ? err : new LabError('internal', err instanceof Error ? err.message : String(err))
    reply({ type: 'error', id: msg.id, error: { code: e.code, message: e.message } })
  }
}
