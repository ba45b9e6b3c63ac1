/**
 * The one check of a JSON body's Content-Type: `application/json`, in UTF-8
 * (RFC 8259 §8.1: JSON exchanged between systems is UTF-8). A body declared
 * `charset=utf-16` would otherwise be read as UTF-8 and mean something else.
 */
import { type LabErrorLike, LabErrors } from './errors.ts';

const JSON_TYPE = /^application\/json\s*(;|$)/i;
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]*)"?/i;

/** How a Content-Type value reads in an error message: quoted and cut to 100 characters, or "none". */
export function shownContentType(value: string | undefined): string {
  return value === undefined || value === '' ? 'none (no Content-Type header)' : JSON.stringify(value.slice(0, 100));
}

/** Null when `value` declares UTF-8 JSON (no charset, or charset=utf-8); else the 415 to answer. */
export function jsonContentTypeProblem(value: string | undefined): (Error & LabErrorLike) | null {
  if (value === undefined || !JSON_TYPE.test(value)) return LabErrors.UNSUPPORTED_MEDIA_TYPE(shownContentType(value));
  const charset = CHARSET.exec(value)?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    return LabErrors.UNSUPPORTED_MEDIA_TYPE(`${shownContentType(value)} (only UTF-8 JSON is read)`);
  }
  return null;
}
