/** Study `training` (shared side): config, descriptor, gallery. */
import { trainingCards } from './gallery'
import { trainingStudy as descriptor } from './descriptor'
import { RENAMED_KEYS, upgradeTrainingConfig } from './config'
import { estimateTraining } from './estimate'
import { representationProbeCards, representationProbeTemplates } from '../representations/probeTemplates'

export * from './config'
export * from './descriptor'
export { trainingCards } from './gallery'
export * from './estimate'

export const trainingStudy = {
  ...descriptor,
  // The thesis ch. 5 probe figures are training runs with representation probes (gallery family `representations`).
  templates: [...descriptor.templates, ...representationProbeTemplates],
  cards: [...trainingCards, ...representationProbeCards],
  upgrade: upgradeTrainingConfig,
  renamedKeys: RENAMED_KEYS,
  estimate: estimateTraining
}
