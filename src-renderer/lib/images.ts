/** Decoding of `datasets.preview` image payloads (base64 uint8, count × H × W × C) for canvas drawing. */
import { decodeBase64 } from './boundary'

export interface ImageBatch {
  height: number
  width: number
  channels: number
  pixels: string
  label: number[]
}

export interface DecodedImages {
  count: number
  height: number
  width: number
  channels: number
  bytes: Uint8Array
}

export function decodeImages(p: ImageBatch): DecodedImages {
  const bytes = decodeBase64(p.pixels)
  const per = p.height * p.width * p.channels
  if (per <= 0) throw new Error('image preview has an empty image size')
  if (bytes.length % per !== 0) throw new Error(`image preview holds ${bytes.length} bytes, not a whole number of ${p.height}×${p.width}×${p.channels} images`)
  return { count: bytes.length / per, height: p.height, width: p.width, channels: p.channels, bytes }
}

/** RGBA pixels of image `i`: grey for 1 channel, RGB for 3, RGB + alpha for 4; other counts show channel 0. */
export function imageRgba(d: DecodedImages, i: number): Uint8ClampedArray {
  const { height: h, width: w, channels: c } = d
  const src = d.bytes.subarray(i * h * w * c, (i + 1) * h * w * c)
  const out = new Uint8ClampedArray(h * w * 4)
  for (let k = 0; k < h * w; k++) {
    const o = k * 4
    if (c === 3 || c === 4) {
      out[o] = src[k * c]
      out[o + 1] = src[k * c + 1]
      out[o + 2] = src[k * c + 2]
      out[o + 3] = c === 4 ? src[k * c + 3] : 255
    } else {
      const v = src[k * c]
      out[o] = out[o + 1] = out[o + 2] = v
      out[o + 3] = 255
    }
  }
  return out
}

/** The text under an image: the class name when the dataset has names, else the label number. */
export function labelText(label: number, classNames: string[] | null | undefined): string {
  return classNames?.[label] ?? String(label)
}
