// `npm run icons`: rasterise resources/icon.svg into what Electron and electron-builder take — the
// window icon and the packaged app's icons — with the Chromium the tests use (CHROMIUM_PATH, else
// /usr/bin/chromium; playwright-core drives it). The outputs are committed: packaging needs them, and a
// packaging machine need not have Chromium.
//   resources/icon.png            1024×1024 (the window icon; electron-builder's source for every platform)
//   resources/icons/<N>x<N>.png   16…1024 (electron-builder's Linux icon set)
//   resources/icon.ico            16, 24, 32, 48, 64, 128, 256 (Windows; PNG-compressed entries)
//   resources/icon.icns           16…1024 with the @2x variants (macOS)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import { root } from './build-if-stale.mjs'

const resources = join(root, 'resources')
const svg = readFileSync(join(resources, 'icon.svg'))
const SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024]
const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256]
// ICNS types by pixel size (PNG payloads); the @2x types reuse the doubled raster.
const ICNS_TYPES = [
  ['icp4', 16],
  ['icp5', 32],
  ['icp6', 64],
  ['ic07', 128],
  ['ic08', 256],
  ['ic09', 512],
  ['ic10', 1024],
  ['ic11', 32],
  ['ic12', 64],
  ['ic13', 256],
  ['ic14', 512]
]

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run']
})
const png = new Map()
try {
  const page = await browser.newPage({ deviceScaleFactor: 1 })
  const src = `data:image/svg+xml;base64,${svg.toString('base64')}`
  for (const size of SIZES) {
    await page.setViewportSize({ width: size, height: size })
    await page.setContent(`<html><body style="margin:0;background:transparent"><img src="${src}" width="${size}" height="${size}" style="display:block"></body></html>`)
    await page.locator('img').evaluate((img) => img.decode())
    png.set(size, await page.screenshot({ type: 'png', omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } }))
  }
} finally {
  await browser.close()
}

writeFileSync(join(resources, 'icon.png'), png.get(1024))
mkdirSync(join(resources, 'icons'), { recursive: true })
for (const size of SIZES) writeFileSync(join(resources, 'icons', `${size}x${size}.png`), png.get(size))

// ICO: a 6-byte header, a 16-byte entry per image (0 means 256 px), then the PNGs.
const ico = [Buffer.alloc(6 + 16 * ICO_SIZES.length)]
ico[0].writeUInt16LE(1, 2)
ico[0].writeUInt16LE(ICO_SIZES.length, 4)
let offset = ico[0].length
ICO_SIZES.forEach((size, i) => {
  const data = png.get(size)
  const e = 6 + 16 * i
  ico[0].writeUInt8(size % 256, e)
  ico[0].writeUInt8(size % 256, e + 1)
  ico[0].writeUInt16LE(1, e + 4) // colour planes
  ico[0].writeUInt16LE(32, e + 6) // bits per pixel
  ico[0].writeUInt32LE(data.length, e + 8)
  ico[0].writeUInt32LE(offset, e + 12)
  offset += data.length
  ico.push(data)
})
writeFileSync(join(resources, 'icon.ico'), Buffer.concat(ico))

// ICNS: 'icns' + total length, then (type, length including its 8-byte header, PNG) per image.
const chunks = ICNS_TYPES.map(([type, size]) => {
  const data = png.get(size)
  const head = Buffer.alloc(8)
  head.write(type, 0, 'ascii')
  head.writeUInt32BE(8 + data.length, 4)
  return Buffer.concat([head, data])
})
const icnsHead = Buffer.alloc(8)
icnsHead.write('icns', 0, 'ascii')
icnsHead.writeUInt32BE(8 + chunks.reduce((n, c) => n + c.length, 0), 4)
writeFileSync(join(resources, 'icon.icns'), Buffer.concat([icnsHead, ...chunks]))

console.log(`icons written to ${resources}: icon.png, icons/{${SIZES.join(',')}}, icon.ico, icon.icns`)
