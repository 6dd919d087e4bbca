/**
 * Test-only IDX reader (gzip or plain) for Fashion-MNIST / MNIST files, used to measure the CNN template
 * on real data without depending on the dataset library's importer. Minimal: unsigned-byte data only.
 */
import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'

export const FASHION_DIR = '/usr/share/datasets/fashion-mnist'

export function readIdx(path: string): { dims: number[]; data: Uint8Array } {
  let buf = readFileSync(path)
  if (buf[0] === 0x1f && buf[1] === 0x8b) buf = gunzipSync(buf)
  if (buf[0] !== 0 || buf[1] !== 0 || buf[2] !== 0x08) throw new Error(`${path}: not an unsigned-byte IDX file`)
  const rank = buf[3]
  const dims = Array.from({ length: rank }, (_, i) => buf.readUInt32BE(4 + 4 * i))
  const start = 4 + 4 * rank
  const size = dims.reduce((a, b) => a * b, 1)
  if (buf.length < start + size) throw new Error(`${path}: truncated`)
  return { dims, data: new Uint8Array(buf.buffer.slice(buf.byteOffset + start, buf.byteOffset + start + size)) }
}

/** Images [n, 28, 28, 1] as uint8 and labels as int32. */
export function readImagesAndLabels(images: string, labels: string): { n: number; x: Uint8Array; y: Int32Array } {
  const im = readIdx(images)
  const lb = readIdx(labels)
  if (im.dims[0] !== lb.dims[0]) throw new Error('images/labels count mismatch')
  return { n: im.dims[0], x: im.data, y: Int32Array.from(lb.data) }
}
