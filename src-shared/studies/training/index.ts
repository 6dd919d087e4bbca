/** Study `training` (shared side): config, descriptor, gallery. */
import { trainingCards } from './gallery'
import { trainingStudy as descriptor } from './descriptor'
import { RENAMED_KEYS, upgradeTrainingConfig } from './config'
import { estimateTraining } from './estimate'

export * from './config'
export * from './descriptor'
export { trainingCards } from './gallery'
export * from './estimate'

export const trainingStudy = {
  ...descriptor,
  cards: trainingCards,
  upgrade: upgradeTrainingConfig,
  renamedKeys: RENAMED_KEYS,
  estimate: estimateTraining
}
