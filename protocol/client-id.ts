/** A client id as the lab takes it in `?client=`: 1–64 of A-Za-z0-9._- (the meter's and inspector's key). */
export const CLIENT_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/** The client id of a request's query; null when absent or malformed (the route reports the error). */
export function clientIdOf(query: unknown): string | null {
  const value = (query as Record<string, unknown> | undefined)?.client;
  return typeof value === 'string' && CLIENT_ID_PATTERN.test(value) ? value : null;
}
