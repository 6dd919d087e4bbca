/**
 * The engine's check of its native module at start-up (src-main/engine/nativeModules.ts): under a Node.js
 * other than the one that built better-sqlite3, the engine says so in words instead of a dlopen error.
 */
import { writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { checkNativeModules, nativeModuleProblem } from '../../src-main/engine/nativeModules'
import { cleanupTempDirs, tempDir } from './helpers'

afterAll(cleanupTempDirs)

const rt = { execPath: '/usr/local/bin/node', version: 'v22.12.0' }

describe('native module check', () => {
  it('passes under the Node.js that built better-sqlite3 (this one)', () => {
    expect(() => checkNativeModules()).not.toThrow()
  })

  it("names both Node.js versions and the fix for Node's ABI mismatch error", () => {
    // Node's own wording (src/node_binding.cc), line breaks included.
    const err = new Error(
      "The module '/lab/node_modules/better-sqlite3/build/Release/better_sqlite3.node'\nwas compiled against a different Node.js version using\nNODE_MODULE_VERSION 115. This version of Node.js requires\nNODE_MODULE_VERSION 127. Please try re-compiling or re-installing\nthe module (for instance, using `npm rebuild` or `npm install`)."
    )
    expect(nativeModuleProblem('better-sqlite3', err, rt)).toBe(
      'better-sqlite3 was built for Node.js 20 but the engine runs on Node.js v22.12.0 (/usr/local/bin/node). Start the lab with the Node.js you installed it with (npm start passes its own as LAB_NODE; set LAB_NODE=/path/to/node otherwise), or rebuild it for this one: npm rebuild better-sqlite3'
    )
  })

  it('explains a native part that does not load at all, from a real dlopen failure', () => {
    const notAnAddon = join(tempDir(), 'fake.node')
    writeFileSync(notAnAddon, 'not an ELF file')
    let err: unknown
    try {
      createRequire(import.meta.url)(notAnAddon)
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(Error)
    const msg = nativeModuleProblem('better-sqlite3', err, rt)
    expect(msg).toMatch(/^better-sqlite3's native part cannot load under Node\.js v22\.12\.0 \(\/usr\/local\/bin\/node\): .*fake\.node.*\. Reinstall it with `npm rebuild better-sqlite3`/)
  })

  it('leaves errors that are not about native modules alone', () => {
    expect(nativeModuleProblem('better-sqlite3', new Error('SQLITE_BUSY: database is locked'), rt)).toBeNull()
  })
})
