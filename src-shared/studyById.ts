/**
 * Looking a study up by an id that came from outside (a call, a file, a sweep spec): the registry is a Map, so
 * `constructor`, `toString` or `__proto__` are unknown ids, not members of Object.prototype.
 */
import { STUDY_LIST, findStudy, type StudyDescriptor } from './studies'

export function studyById(id: string): StudyDescriptor<any> | undefined {
  return findStudy(id)
}

/** Every study id, for "available: …" in messages. */
export function studyIds(): string[] {
  return STUDY_LIST.map((s) => s.id)
}
