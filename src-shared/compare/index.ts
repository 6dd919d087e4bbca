/** The compare library: smoothing, downsampling, aggregation, config fields, the filter language and view state. */
export * from './smoothing'
export * from './downsample'
export * from './aggregate'
export * from './config'
export * from './filter'
export * from './state'
