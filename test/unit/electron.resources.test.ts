/**
 * resources/: the app icon in the sizes and formats Electron and electron-builder take (made by
 * `npm run icons` from resources/icon.svg), and the desktop window wired to it.
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { OUT_MAIN, ROOT } from './helpers'

const RESOURCES = join(ROOT, 'resources')
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

/** Width, height and colour type of a PNG (its IHDR). */
function pngInfo(b: Buffer) {
  expect(b.subarray(0, 8).equals(PNG_MAGIC)).toBe(true)
  expect(b.toString('ascii', 12, 16)).toBe('IHDR')
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20), colourType: b[25] }
}

describe('the app icon', () => {
  it('icon.png is 1024 × 1024 with transparency (the window icon and electron-builder’s source)', () => {
    expect(pngInfo(readFileSync(join(RESOURCES, 'icon.png')))).toEqual({ width: 1024, height: 1024, colourType: 6 })
  })

  it('icons/ holds the Linux set, each file the size its name says', () => {
    for (const n of [16, 24, 32, 48, 64, 128, 256, 512, 1024]) {
      expect(pngInfo(readFileSync(join(RESOURCES, 'icons', `${n}x${n}.png`)))).toMatchObject({ width: n, height: n, colourType: 6 })
    }
  })

  it('icon.ico (Windows) holds 16 to 256 px images whose directory matches them', () => {
    const ico = readFileSync(join(RESOURCES, 'icon.ico'))
    expect(ico.readUInt16LE(0)).toBe(0)
    expect(ico.readUInt16LE(2)).toBe(1) // an icon, not a cursor
    const count = ico.readUInt16LE(4)
    const sizes: number[] = []
    for (let i = 0; i < count; i++) {
      const e = 6 + 16 * i
      const size = ico[e] || 256
      const [length, offset] = [ico.readUInt32LE(e + 8), ico.readUInt32LE(e + 12)]
      expect(offset + length).toBeLessThanOrEqual(ico.length)
      expect(pngInfo(ico.subarray(offset, offset + length))).toMatchObject({ width: size, height: size })
      sizes.push(size)
    }
    expect(sizes).toEqual([16, 24, 32, 48, 64, 128, 256])
  })

  it('icon.icns (macOS) holds every size up to 1024 px, each chunk the size its type says', () => {
    const icns = readFileSync(join(RESOURCES, 'icon.icns'))
    expect(icns.toString('ascii', 0, 4)).toBe('icns')
    expect(icns.readUInt32BE(4)).toBe(icns.length)
    const pixels: Record<string, number> = { icp4: 16, icp5: 32, icp6: 64, ic07: 128, ic08: 256, ic09: 512, ic10: 1024, ic11: 32, ic12: 64, ic13: 256, ic14: 512 }
    const seen: string[] = []
    for (let p = 8; p < icns.length; ) {
      const type = icns.toString('ascii', p, p + 4)
      const length = icns.readUInt32BE(p + 4)
      expect(pngInfo(icns.subarray(p + 8, p + length))).toMatchObject({ width: pixels[type], height: pixels[type] })
      seen.push(type)
      p += length
    }
    expect(seen.sort()).toEqual(Object.keys(pixels).sort())
  })

  it('the built Electron main gives the window resources/icon.png', () => {
    const main = readFileSync(join(OUT_MAIN, 'electron.js'), 'utf8')
    const rel = /["'](\.\.\/\.\.\/resources\/icon\.png)["']/.exec(main)?.[1]
    expect(rel).toBeDefined()
    expect(resolve(dirname(join(OUT_MAIN, 'electron.js')), rel!)).toBe(join(RESOURCES, 'icon.png'))
    expect(existsSync(join(RESOURCES, 'icon.png'))).toBe(true)
  })
})
