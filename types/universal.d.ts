/**
 * The globals src-shared may use: those every runtime of the lab has (Node, the renderer, workers) — the
 * common minimum of the WinterCG "Minimum Common Web Platform API". Only tsconfig.shared.json sees this file,
 * so Node's own (Buffer, process) and the DOM's (document, window) stay out of src-shared.
 */
declare function structuredClone<T>(value: T): T
declare function atob(data: string): string
declare function btoa(data: string): string
declare class TextEncoder {
  encode(input?: string): Uint8Array
}
declare class TextDecoder {
  constructor(label?: string)
  decode(input?: ArrayBufferView | ArrayBuffer): string
}
declare const performance: { now(): number }
declare const console: { log(...a: unknown[]): void; warn(...a: unknown[]): void; error(...a: unknown[]): void }
