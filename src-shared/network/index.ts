/** The network graph: spec (zod schema), validation and shape inference, layer list ↔ chain conversion. */
export * from './spec'
export * from './analyze'
export * from './chain'
