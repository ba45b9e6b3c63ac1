/**
 * Every error the lab reports has a stable code (`LAB_ERR_…`), a message that
 * names the bad value, and a hint that says what to do instead. API answers
 * carry them as `{"code","message","hint"}`; the CLI prints them.
 */
import createError from '@fastify/error';
import { TRANSPORT_NAMES } from '../protocol/feed-event.ts';
import type { ErrorAnswer } from '../protocol/lab-api-error.ts';

export const LabErrors = {
  BAD_REQUEST: createError<'LAB_ERR_BAD_REQUEST', 400, [string]>('LAB_ERR_BAD_REQUEST', '%s', 400),
  BAD_MESSAGE: createError<'LAB_ERR_BAD_MESSAGE', 400, [string]>('LAB_ERR_BAD_MESSAGE', '%s', 400),
  BAD_QUERY: createError<'LAB_ERR_BAD_QUERY', 400, [string]>('LAB_ERR_BAD_QUERY', '%s', 400),
  BAD_JSON: createError<'LAB_ERR_BAD_JSON', 400, [string]>('LAB_ERR_BAD_JSON', 'the body is not valid JSON: %s', 400),
  BAD_BODY: createError<'LAB_ERR_BAD_BODY', 400, [string]>('LAB_ERR_BAD_BODY', '%s', 400),
  FORBIDDEN_KEY: createError<'LAB_ERR_FORBIDDEN_KEY', 400, [string]>(
    'LAB_ERR_FORBIDDEN_KEY',
    'the message contains the key "%s", which could poison object prototypes',
    400,
  ),
  BODY_TOO_LARGE: createError<'LAB_ERR_BODY_TOO_LARGE', 413, [number]>(
    'LAB_ERR_BODY_TOO_LARGE',
    'the body is larger than the limit of %d bytes',
    413,
  ),
  LENGTH_REQUIRED: createError<'LAB_ERR_LENGTH_REQUIRED', 411, []>(
    'LAB_ERR_LENGTH_REQUIRED',
    'a publish body needs a Content-Length (chunked uploads are not accepted)',
    411,
  ),
  UNSUPPORTED_MEDIA_TYPE: createError<'LAB_ERR_UNSUPPORTED_MEDIA_TYPE', 415, [string]>(
    'LAB_ERR_UNSUPPORTED_MEDIA_TYPE',
    'content type %s is not accepted here',
    415,
  ),
  URI_TOO_LONG: createError<'LAB_ERR_URI_TOO_LONG', 414, [number]>(
    'LAB_ERR_URI_TOO_LONG',
    'the request line is longer than the limit of %d bytes',
    414,
  ),
  HEADERS_TOO_LARGE: createError<'LAB_ERR_HEADERS_TOO_LARGE', 431, [number]>(
    'LAB_ERR_HEADERS_TOO_LARGE',
    'the request head is larger than the limit of %d bytes',
    431,
  ),
  REQUEST_TIMEOUT: createError<'LAB_ERR_REQUEST_TIMEOUT', 408, [string]>('LAB_ERR_REQUEST_TIMEOUT', '%s', 408),
  NOT_FOUND: createError<'LAB_ERR_NOT_FOUND', 404, [string, string]>('LAB_ERR_NOT_FOUND', 'no route for %s %s', 404),
  METHOD_NOT_ALLOWED: createError<'LAB_ERR_METHOD_NOT_ALLOWED', 405, [string, string]>(
    'LAB_ERR_METHOD_NOT_ALLOWED',
    '%s is not allowed on %s',
    405,
  ),
  NOT_WEBSOCKET: createError<'LAB_ERR_NOT_WEBSOCKET', 426, []>(
    'LAB_ERR_NOT_WEBSOCKET',
    'this endpoint speaks WebSocket only',
    426,
  ),
  BAD_HOST: createError<'LAB_ERR_BAD_HOST', 421, [string]>(
    'LAB_ERR_BAD_HOST',
    'the lab does not answer to the host name %s',
    421,
  ),
  FOREIGN_ORIGIN: createError<'LAB_ERR_FOREIGN_ORIGIN', 403, [string]>(
    'LAB_ERR_FOREIGN_ORIGIN',
    'pages from %s may not use the feed or change the lab',
    403,
  ),
  UNAUTHORIZED: createError<'LAB_ERR_UNAUTHORIZED', 401, []>(
    'LAB_ERR_UNAUTHORIZED',
    'this control action needs the teacher token',
    401,
  ),
  RATE_LIMITED: createError<'LAB_ERR_RATE_LIMITED', 429, [string]>(
    'LAB_ERR_RATE_LIMITED',
    'too many upstream messages: %s',
    429,
  ),
  SCENARIO: createError<'LAB_ERR_SCENARIO', 400, [string]>('LAB_ERR_SCENARIO', '%s', 400),
  BAD_FLAG: createError<'LAB_ERR_BAD_FLAG', 400, [string]>('LAB_ERR_BAD_FLAG', '%s', 400),
  BAD_NETWORK: createError<'LAB_ERR_BAD_NETWORK', 400, [string]>('LAB_ERR_BAD_NETWORK', '%s', 400),
  BAD_FAULT: createError<'LAB_ERR_BAD_FAULT', 400, [string]>('LAB_ERR_BAD_FAULT', '%s', 400),
  BAD_CHAT: createError<'LAB_ERR_BAD_CHAT', 400, [string]>('LAB_ERR_BAD_CHAT', '%s', 400),
  UNKNOWN_ROOM: createError<'LAB_ERR_UNKNOWN_ROOM', 400, [string]>('LAB_ERR_UNKNOWN_ROOM', '%s', 400),
  INTERNAL: createError<'LAB_ERR_INTERNAL', 500, []>('LAB_ERR_INTERNAL', 'the lab hit an unexpected error', 500),
  BAD_LOAD_RUN: createError<'LAB_ERR_BAD_LOAD_RUN', 400, [string]>('LAB_ERR_BAD_LOAD_RUN', '%s', 400),
  LOAD_RUNNING: createError<'LAB_ERR_LOAD_RUNNING', 409, [string]>('LAB_ERR_LOAD_RUNNING', '%s', 409),
  LOAD_NOT_LOOPBACK: createError<'LAB_ERR_LOAD_NOT_LOOPBACK', 409, [string]>('LAB_ERR_LOAD_NOT_LOOPBACK', '%s', 409),
  BAD_ROUND: createError<'LAB_ERR_BAD_ROUND', 400, [string]>('LAB_ERR_BAD_ROUND', '%s', 400),
  ROUND_CLOSED: createError<'LAB_ERR_ROUND_CLOSED', 409, [string]>('LAB_ERR_ROUND_CLOSED', '%s', 409),
  ROUND_FULL: createError<'LAB_ERR_ROUND_FULL', 409, [string]>('LAB_ERR_ROUND_FULL', '%s', 409),
  FEED_UNAVAILABLE: createError<'LAB_ERR_FEED_UNAVAILABLE', 503, [string]>(
    'LAB_ERR_FEED_UNAVAILABLE',
    'the shared feed (Redis) did not take the event: %s',
    503,
  ),
  BAD_REDIS: createError<'LAB_ERR_BAD_REDIS', 400, [string]>('LAB_ERR_BAD_REDIS', '%s', 400),
  BAD_CERT: createError<'LAB_ERR_BAD_CERT', 400, [string]>('LAB_ERR_BAD_CERT', '%s', 400),
  SERVICE_MISSING: createError<'LAB_ERR_SERVICE_MISSING', 500, [string]>(
    'LAB_ERR_SERVICE_MISSING',
    '%s was not found on this machine',
    500,
  ),
  NOT_A_CLUSTER: createError<'LAB_ERR_NOT_A_CLUSTER', 409, []>(
    'LAB_ERR_NOT_A_CLUSTER',
    "this lab does not run behind the cluster's nginx, so there is no load balancer to switch",
    409,
  ),
  UNKNOWN_LB_CONFIG: createError<'LAB_ERR_UNKNOWN_LB_CONFIG', 400, [string]>('LAB_ERR_UNKNOWN_LB_CONFIG', '%s', 400),
  CLUSTER_CONTROL: createError<'LAB_ERR_CLUSTER_CONTROL', 502, [string]>(
    'LAB_ERR_CLUSTER_CONTROL',
    'the cluster controller did not switch nginx: %s',
    502,
  ),
} as const;

export type LabErrorCode = ReturnType<(typeof LabErrors)[keyof typeof LabErrors]>['code'];

/** What to do instead, shown beside the message. */
export const HINTS: Record<LabErrorCode, string> = {
  LAB_ERR_BAD_REQUEST: 'send a well-formed HTTP/1.1 request; see GET /api',
  LAB_ERR_BAD_MESSAGE: 'send upstream messages as JSON text such as {"id":"1","data":"hello"}',
  LAB_ERR_BAD_QUERY: 'see the README section "Public HTTP API" for each parameter and its range',
  LAB_ERR_BAD_JSON: 'send a JSON object such as {"data":"hello"} with Content-Type: application/json',
  LAB_ERR_BAD_BODY: 'send a JSON object such as {"client":"me","id":"1","data":"hello"}',
  LAB_ERR_FORBIDDEN_KEY: 'rename the key; "__proto__", "constructor" and "prototype" are refused anywhere in a message',
  LAB_ERR_BODY_TOO_LARGE: 'send a smaller body',
  LAB_ERR_LENGTH_REQUIRED: 'send the body in one piece with a Content-Length header (curl -d does this)',
  LAB_ERR_UNSUPPORTED_MEDIA_TYPE: 'send Content-Type: application/json (UTF-8: no other charset is accepted)',
  LAB_ERR_URI_TOO_LONG: 'send a shorter URL; the query parameters are short (see docs/api.md)',
  LAB_ERR_HEADERS_TOO_LARGE: 'send fewer or smaller headers (cookies of other sites on localhost add up)',
  LAB_ERR_REQUEST_TIMEOUT: 'send the request head and body without pauses; the lab does not wait for slow senders',
  LAB_ERR_NOT_FOUND: `the feed lives at /api/feed/{${TRANSPORT_NAMES.join(',')}} and /api/feed/publish; see GET /api for the list`,
  LAB_ERR_METHOD_NOT_ALLOWED: 'see GET /api for the methods of each endpoint',
  LAB_ERR_NOT_WEBSOCKET: 'connect with a WebSocket client (e.g. new WebSocket("ws://…/api/feed/websocket"))',
  LAB_ERR_BAD_HOST: 'open the lab by the address it printed (localhost, 127.0.0.1, or its LAN address in --lan mode)',
  LAB_ERR_FOREIGN_ORIGIN:
    "use the feed and the controls from the lab's own page, or without a browser (curl sends no Origin)",
  LAB_ERR_UNAUTHORIZED:
    'open the teacher URL printed at start (it carries ?token=…) or send Authorization: Bearer <token>',
  LAB_ERR_RATE_LIMITED: "send fewer upstream messages; the limit protects everyone else's feed",
  LAB_ERR_SCENARIO: 'compare with the files in scenarios/ and the schema in the README',
  LAB_ERR_BAD_FLAG: 'run with --help to see every flag',
  LAB_ERR_BAD_NETWORK:
    'send {"profile":"fast-4g"} (none, lan, fast-4g, slow-4g, 3g, satellite) or {"profile":"custom","rttMs":200,"jitterMs":0,"downKbps":0,"upKbps":0}; 0 kbps means unlimited',
  LAB_ERR_BAD_FAULT:
    'send {"action":"drop-all"}, {"action":"stall","seconds":5}, {"action":"chaos","everySeconds":2} or {"action":"calm"}',
  LAB_ERR_BAD_CHAT:
    'emit "chat" on the Socket.IO namespace /chat with {"id":"1","text":"hello"} (text of 1 to 500 characters)',
  LAB_ERR_UNKNOWN_ROOM:
    'a Socket.IO room is one topic of the scenario that plays (GET /api/scenarios lists them), e.g. auth {"room":"ticker.ACME"}; leave it out for every topic',
  LAB_ERR_INTERNAL: 'this is a bug in the lab; the server log has the details',
  LAB_ERR_BAD_LOAD_RUN:
    'send {"clientsPerTransport":10,"durationS":30} and optionally "transports":["sse","websocket"], "ratePerSecond":20, "rampS":5; see docs/api.md',
  LAB_ERR_LOAD_RUNNING: 'wait for the run to finish, or stop it first with DELETE /api/load',
  LAB_ERR_LOAD_NOT_LOOPBACK:
    'start the lab on a loopback address (the default 127.0.0.1) or on every interface (--lan), or run npm run load yourself',
  LAB_ERR_BAD_ROUND:
    'start a round with {"lesson","claim","question","choices":[{"id","text"},…]}, vote with {"page","choice"}, reveal with {"verdict","rightChoice","sentence"}; see docs/api.md',
  LAB_ERR_ROUND_CLOSED:
    'read GET /api/class/round for the phase: votes are taken while it is "asking", a reveal needs a round that is asking or running',
  LAB_ERR_ROUND_FULL:
    'the round keeps one vote per page; close another tab on this machine, or wait for the next round',
  LAB_ERR_FEED_UNAVAILABLE:
    'check that the Redis given with --redis is running; the event was not published, send it again',
  LAB_ERR_SERVICE_MISSING:
    'install it with apt-get install redis-server nginx haproxy (Debian/Ubuntu), or set REDIS_SERVER_PATH / NGINX_PATH / HAPROXY_PATH',
  LAB_ERR_BAD_REDIS: 'pass --redis redis://127.0.0.1:6379 (a redis:// URL of a running Redis 6.2 or newer)',
  LAB_ERR_NOT_A_CLUSTER:
    'start the lab with npm run cluster -- --instances 2 and open the URL it prints (nginx in front); then the page can switch its config',
  LAB_ERR_UNKNOWN_LB_CONFIG:
    'send {"config":"no-upgrade"}: one of the names GET /api/cluster/load-balancer lists (the files in cluster/nginx-configs/)',
  LAB_ERR_CLUSTER_CONTROL:
    'check that npm run cluster is still running (its terminal shows why nginx did not reload); the config is unchanged',
  LAB_ERR_BAD_CERT:
    "pass --cert and --key together, both PEM files, the key the certificate's own (mkcert localhost 127.0.0.1 makes such a pair), or leave both out for the lab's self-signed certificate in .lab-certs/",
};

export interface LabErrorLike {
  code: LabErrorCode;
  message: string;
  statusCode: number;
}

export function isLabError(error: unknown): error is LabErrorLike {
  return (
    error instanceof Error &&
    typeof (error as { code?: unknown }).code === 'string' &&
    (error as unknown as { code: string }).code in HINTS
  );
}

/** The JSON body every error answer has. */
export function errorBody(error: LabErrorLike): ErrorAnswer {
  return { code: error.code, message: error.message, hint: HINTS[error.code] };
}
