/**
 * The lessons' driver as the command line runs it: requests to the lab from
 * Node, each feed run's clients in Node (with a real browser's header set
 * unless the run asks for Node's own), and the connection-limit run in a real
 * Chromium.
 */
import type { ClientEnv } from '../clients/client-env.ts';
import { nodeTlsEnv } from '../clients/node-env.ts';
import { LabLessonDriver } from '../lessons/lab-lesson-driver.ts';
import type { FeedRunPlan } from '../lessons/lesson.ts';
import type { LabEndpoints, LabRequest } from '../lessons/measure-feed-run.ts';
import { createLoadEnv } from '../load/load-client-env.ts';
import type { TransportName } from '../protocol/feed-event.ts';
import { isolatedNodeEnv } from './isolated-node-env.ts';
import { measureConnectionLimit } from './lesson-browser-run.ts';

/** A control call the lab refused, with its own code and message. */
export class LabRefused extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function nodeLessonDriver(lab: LabEndpoints): LabLessonDriver {
  const request = labRequestTo(lab.labUrl);
  const makeEnv = (transport: TransportName, run: FeedRunPlan, baseUrl: string) =>
    nodeRunEnv(transport, run, baseUrl, lab.https?.certificatePem ?? null);
  return new LabLessonDriver({ lab, request, makeEnv }, (run) => measureConnectionLimit(lab, run, request));
}

/** JSON to and from the lab's own port; a refusal throws LabRefused with the lab's code. */
function labRequestTo(labUrl: string): LabRequest {
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${labUrl}${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    const parsed = text ? (JSON.parse(text) as unknown) : null;
    if (!response.ok) {
      const error = parsed as { code?: string; message?: string } | null;
      throw new LabRefused(
        error?.code ?? 'LAB_ERR_UNREACHABLE',
        `${method} ${path}: ${error?.message ?? `HTTP ${response.status}`}`,
      );
    }
    return parsed as T;
  };
}

/** @param ca the certificate of the lab's HTTPS ports (PEM), for runs over TLS */
function nodeRunEnv(
  transport: TransportName,
  run: FeedRunPlan,
  baseUrl: string,
  ca: string | null,
): { env: ClientEnv; close(): Promise<void> } {
  // Over TLS the HTTP transports offer ALPN h2 (as browsers do); the port decides the version.
  if (run.http) {
    if (run.client?.headers === 'node') {
      const env = nodeTlsEnv({ ca: ca ?? '', http2: run.http === 'h2' });
      return { env, close: () => env.close() };
    }
    return createLoadEnv(transport, 'browser', baseUrl, { ca: ca ?? '', multiplex: run.http === 'h2' });
  }
  // Browser-like headers by default: Node's fetch sends ~200 B less per request than a page does.
  if (run.client?.headers === 'node') return isolatedNodeEnv();
  const load = createLoadEnv(transport, 'browser', baseUrl);
  if (!run.client?.connectionClose) return load;
  const keepAliveFetch = load.env.fetch;
  // undici turns `Connection: close` into a request that ends its connection after the answer.
  const closingFetch = ((url: string, init?: RequestInit) =>
    keepAliveFetch(url, {
      ...init,
      headers: { ...(init?.headers as Record<string, string> | undefined), Connection: 'close' },
    })) as typeof fetch;
  return { env: { ...load.env, fetch: closingFetch }, close: load.close };
}
