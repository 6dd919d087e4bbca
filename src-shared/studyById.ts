/**
 * Looking a study up by an id that came from outside (a call, a file, a sweep spec): own properties only,
 * so `constructor`, `toString` or `__proto__` are unknown ids, not members of Object.prototype.
 * (The registry in ./studies is becoming a Map; this is the one place the engine and CLI look ids up.)
 */
import { STUDIES, type StudyDescriptor } from './studies'
import { ownValue } from './jsonGuard'

export function studyById(id: string): StudyDescriptor<any> | undefined {
  return ownValue(STUDIES, id)
}

/** Every study id, for "available: …" in messages. */
export function studyIds(): string[] {
  return Object.keys(STUDIES)
}
