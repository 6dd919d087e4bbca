/** Class-name presets offered at import (the engine detects them from paths, which uploads do not carry). */
export const CLASS_NAME_PRESETS: Record<string, { title: string; names: string[] }> = {
  'fashion-mnist': { title: 'Fashion-MNIST', names: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'] },
  kmnist: { title: 'KMNIST', names: ['o', 'ki', 'su', 'tsu', 'na', 'ha', 'ma', 'ya', 're', 'wo'] },
  digits: { title: 'digits 0–9', names: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] }
}

/** A typed list "cat, dog, bird" as names; empty entries are an error the form shows. */
export function parseClassNames(text: string): { names: string[] | null; error?: string } {
  if (!text.trim()) return { names: null }
  const names = text.split(',').map((s) => s.trim())
  if (names.some((n) => !n)) return { names: null, error: 'an empty name between commas' }
  if (new Set(names).size !== names.length) return { names: null, error: 'names must differ' }
  return { names }
}

/** Guess a preset from the chosen files' names (Fashion-MNIST and KMNIST ship with telling names only sometimes). */
export function guessPreset(fileNames: string[]): string {
  const all = fileNames.join(' ').toLowerCase()
  if (all.includes('fashion')) return 'fashion-mnist'
  if (all.includes('kmnist') || all.includes('k49')) return 'kmnist'
  return 'detect'
}
