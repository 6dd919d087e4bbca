/**
 * The one command-line parser of every entry point (`npm start`, `npm run serve`, the engine, Electron main,
 * `npm run lab`, `npm run bench`). It is node:util's parseArgs — so `--data-dir X` and `--data-dir=X` both
 * work everywhere — with `--help`/`-h` on every command, usage text built from the options' own help, and
 * parse errors a researcher can read ("unknown option --frob", not node's hint about positionals).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util'

/** One option: node's parseArgs fields plus what `--help` shows. */
export interface OptionSpec {
  type: 'string' | 'boolean'
  short?: string
  multiple?: boolean
  default?: string | boolean | string[] | boolean[]
  /** The value's placeholder in the usage text (`DIR` in `--data-dir DIR`). */
  value?: string
  /** One line for `--help`; an option without it is not listed (internal flags such as `--ipc`). */
  help?: string
}

export type OptionSpecs = Record<string, OptionSpec>

/** A bad command line: the entry prints the message (and where to find --help) and exits with code 2. */
export class UsageError extends Error {
  override name = 'UsageError'
}

/** The options every entry shares, so they read the same everywhere. */
const HELP_OPTION = { type: 'boolean', short: 'h', default: false, help: 'show this help and exit' } as const satisfies OptionSpec
export const DATA_DIR_OPTION = {
  type: 'string',
  value: 'DIR',
  help: 'the folder of the store (default: $LAB_DATA_DIR, else the folder chosen in Settings, else the app data folder)'
} as const satisfies OptionSpec
export const PORT_OPTION = {
  type: 'string',
  value: 'N',
  help: 'port on 127.0.0.1 (default 5917, or any free one if it is taken; 0 = any free port)'
} as const satisfies OptionSpec

type Config = ParseArgsConfig & { options: OptionSpecs }

function nodeOptions(options: OptionSpecs): NonNullable<ParseArgsConfig['options']> {
  const out: NonNullable<ParseArgsConfig['options']> = {}
  for (const [name, { value: _value, help: _help, ...o }] of Object.entries<OptionSpec>({ help: HELP_OPTION, ...options })) out[name] = o as never
  return out
}

/** node's parseArgs messages, reworded for people; the option names stay as typed. */
function reword(err: unknown, options: OptionSpecs): Error {
  const e = err as NodeJS.ErrnoException
  const flag = /'(-[^' ]+)/.exec(e.message ?? '')?.[1]
  const spec = flag?.startsWith('--') ? options[flag.slice(2)] : undefined
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return new UsageError(`unknown option ${flag ?? e.message}`)
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return new UsageError(`unexpected argument ${/'([^']*)'/.exec(e.message)?.[1] ?? ''}`.trim())
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (/does not take an argument/.test(e.message)) return new UsageError(`${flag} takes no value`)
      return new UsageError(`${flag} needs a value (${flag} ${spec?.value ?? 'VALUE'} or ${flag}=${spec?.value ?? 'VALUE'})`)
    default:
      return e instanceof Error ? e : new Error(String(e))
  }
}

/**
 * node:util's parseArgs with the same config shape (so an entry swaps it in without rewriting its option
 * list), `--help` always accepted, and errors as UsageError. `strict: false` keeps unknown options (Electron
 * main gets Chromium's switches among its own) while still reading the known ones in both forms.
 */
export function parseCommandArgs<T extends Config>(config: T): ReturnType<typeof parseArgs<T>> & { values: { help?: boolean } } {
  try {
    return parseArgs({ ...config, options: nodeOptions(config.options) } as ParseArgsConfig) as never
  } catch (err) {
    throw reword(err, config.options)
  }
}

/** The `options:` block of a usage text, one line per documented option, help aligned. */
export function formatOptions(options: OptionSpecs): string {
  const rows = Object.entries({ ...options, help: options.help ?? HELP_OPTION })
    .filter(([, o]) => o.help)
    .map(([name, o]) => [`${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`, o.help!] as const)
  const width = Math.max(...rows.map(([left]) => left.length))
  return rows.map(([left, help]) => `  ${left.padEnd(width)}  ${help}`).join('\n')
}

/** A whole `--help` text: the usage line(s), an optional description, the options and the environment. */
export function formatHelp(h: { usage: string | string[]; description?: string; options: OptionSpecs; environment?: Record<string, string> }): string {
  const usage = (Array.isArray(h.usage) ? h.usage : [h.usage]).map((u, i) => `${i ? '       ' : 'usage: '}${u}`)
  const parts = [usage.join('\n')]
  if (h.description) parts.push(h.description)
  parts.push(`options:\n${formatOptions(h.options)}`)
  const env = Object.entries(h.environment ?? {})
  if (env.length) {
    const width = Math.max(...env.map(([k]) => k.length))
    parts.push(`environment:\n${env.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n')}`)
  }
  return parts.join('\n\n')
}

/**
 * The lines of a multi-command usage text that belong to one (sub)command: a command line (two spaces, then
 * the command's words) whose words start with `words`, and the continuation lines under it (indented
 * further). One usage text stays the source of both `lab --help` and `lab <command> [<sub>] --help`; a
 * second word that names no subcommand (a file name) falls back to the command's lines.
 */
export function usageLinesFor(usage: string, words: string[]): string[] {
  const pick = (w: string[]) => {
    const out: string[] = []
    let taking = false
    for (const line of usage.split('\n')) {
      const m = /^ {2}(\S+)(?: +(\S+))?/.exec(line)
      if (m) taking = m[1] === w[0] && (w.length < 2 || m[2] === w[1])
      else if (!/^ {3,}\S/.test(line)) taking = false
      if (taking) out.push(line)
    }
    return out
  }
  if (!words.length) return []
  const exact = words.length > 1 ? pick(words.slice(0, 2)) : []
  return exact.length ? exact : pick(words.slice(0, 1))
}
