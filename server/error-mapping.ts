/**
 * Fastify's own errors (body parsing, limits) mapped to the lab's codes, so
 * every error answer of the API has the same shape and a hint.
 */
import type { FastifyError } from 'fastify';
import { isLabError, type LabErrorLike, LabErrors } from './errors.ts';
import { shownContentType } from './json-content-type.ts';

/** @param contentType the request's Content-Type header, named in a 415 (Fastify's own message names none) */
export function toLabError(
  error: FastifyError | LabErrorLike | Error,
  bodyLimit: number,
  contentType?: string,
): LabErrorLike {
  if (isLabError(error)) return error;
  const fastifyError = error as FastifyError;
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return LabErrors.UNSUPPORTED_MEDIA_TYPE(shownContentType(contentType));
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return LabErrors.BODY_TOO_LARGE(bodyLimit);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return LabErrors.BAD_JSON('the body is empty');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return LabErrors.BAD_REQUEST('Content-Length does not match the body');
  }
  if (/forbidden (prototype|constructor) property/i.test(fastifyError.message)) {
    return LabErrors.FORBIDDEN_KEY(/constructor/i.test(fastifyError.message) ? 'constructor' : '__proto__');
  }
  if (fastifyError instanceof SyntaxError || fastifyError.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return LabErrors.BAD_JSON(fastifyError.message);
  }
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode < 500) {
    return LabErrors.BAD_REQUEST(fastifyError.message);
  }
  return LabErrors.INTERNAL();
}
