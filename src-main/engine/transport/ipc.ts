/** Node-IPC transport: Electron main forks the engine and relays the renderer's calls over this channel. */
import type { WireMessage } from '../../../src-shared/contract'
import type { Lab } from '../lab'
import { answer } from './wire'

export function attachIpc(lab: Lab, proc: NodeJS.Process = process): () => void {
  if (!proc.send) throw new Error('the engine was not started with an IPC channel')
  const send = (m: WireMessage) => {
    if (proc.connected) proc.send!(m)
  }
  const onMessage = (raw: unknown) => void answer(lab, raw, send)
  proc.on('message', onMessage)
  const off = lab.on((event, payload) => send({ type: 'event', event, payload }))
  return () => {
    proc.off('message', onMessage)
    off()
  }
}
