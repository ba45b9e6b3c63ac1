/**
 * The keys of `value` that are set: spread over defaults, an option passed as
 * `undefined` keeps the default instead of erasing it.
 */
export function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
