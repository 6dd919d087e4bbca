/** The lab's version, injected from package.json at build time. */
declare const __LAB_VERSION__: string
export const version: string = typeof __LAB_VERSION__ === 'string' ? __LAB_VERSION__ : '0.0.0-dev'
