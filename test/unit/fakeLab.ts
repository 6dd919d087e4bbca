/**
 * A quiet stand-in for `src-renderer/api/client` in DOM tests that mount components only for their form
 * behaviour: lists are empty, events never fire. Without it the real client would open a WebSocket to the
 * test page's host and keep retrying on timers that outlive the test environment.
 */
export function quietClientModule() {
  return {
    lab: {
      transport: 'websocket' as const,
      files: { mode: 'upload' as const, upload: async () => '' },
      invoke: async (method: string) => (/\.(list|jobs|generators)$/.test(method) ? [] : null),
      on: () => () => {}
    },
    EngineError: class EngineError extends Error {
      constructor(
        readonly code: string,
        message: string
      ) {
        super(message)
      }
    }
  }
}
