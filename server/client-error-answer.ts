/**
 * The answer to a request Node's parser refused before any route saw it:
 * malformed (400), a head too large (431) or a request line too long (414),
 * too slow (408) — always in the lab's error shape, then the connection closes.
 */
import { STATUS_CODES } from 'node:http';
import { errorBody, type LabErrorLike, LabErrors } from './errors.ts';

/** Longest request line (method, target, version), bytes; a longer one is 414 URI Too Long. */
export const MAX_REQUEST_LINE_BYTES = 8192;

type ClientError = Error & { code?: string; rawPacket?: unknown };

/** What Node's clientError means, as a lab error. */
export function clientErrorOf(error: ClientError, maxHeaderBytes: number): LabErrorLike {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return requestLineOverflows(error.rawPacket)
        ? LabErrors.URI_TOO_LONG(MAX_REQUEST_LINE_BYTES)
        : LabErrors.HEADERS_TOO_LARGE(maxHeaderBytes);
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return LabErrors.REQUEST_TIMEOUT('the request did not arrive in time (its head or its body was too slow)');
    default:
      return LabErrors.BAD_REQUEST(`malformed HTTP request: ${error.message}`);
  }
}

/** The raw HTTP answer, `Connection: close`. */
export function clientErrorAnswer(error: ClientError, maxHeaderBytes: number): string {
  const labError = clientErrorOf(error, maxHeaderBytes);
  const body = JSON.stringify(errorBody(labError));
  const reason = STATUS_CODES[labError.statusCode] ?? 'Error';
  return (
    `HTTP/1.1 ${labError.statusCode} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  );
}

/**
 * Whether the overflowing bytes start with a request line that is itself too long. Node keeps no
 * copy of the head; the packet it failed on starts at the request when it came in one piece
 * (a client sending a long URL); a trickled head is reported as 431.
 */
function requestLineOverflows(packet: unknown): boolean {
  if (!Buffer.isBuffer(packet) || !/^[A-Z]{3,10} /.test(packet.subarray(0, 11).toString('latin1'))) return false;
  const end = packet.indexOf('\r\n');
  return end === -1 ? packet.length > MAX_REQUEST_LINE_BYTES : end > MAX_REQUEST_LINE_BYTES;
}
