/**
 * Which way the page's four clients reach the lab. When the lab runs a
 * network conditioner, they go through its port, so the network panel shapes
 * exactly what the columns measure; the metrics stream, inspector and controls
 * stay on the page's own origin, unshaped. A different port is also a
 * different origin, with its own six connections (docs/connection-limit.md).
 */
import { apiUrl } from '../../clients/feed-http.ts';

export interface ClientRoute {
  via: 'conditioner' | 'direct';
  /** The base URL the FeedClients (and their publishes and clock estimate) use. */
  baseUrl: string;
  /** The conditioner's port when one runs, also when this page could not reach it; null when there is none. */
  conditionerPort: number | null;
  /** Why the clients go direct although a conditioner runs; null otherwise. */
  note: string | null;
}

/** How long the first request through the conditioner may take: a 3G profile needs two 2-second round trips. */
export const PROBE_TIMEOUT_MS = 10_000;

/** `http://<page's host name>:<port>/`: the conditioner listens where the lab does, at the root. */
export function conditionerBaseUrl(pageUrl: string, port: number): string {
  const url = new URL(pageUrl);
  url.port = String(port);
  url.pathname = '/';
  url.search = '';
  url.hash = '';
  return url.href;
}

/**
 * Picks the route. `probe` answers whether a request through the conditioner
 * works from this page: it can fail where the page itself works (a firewall
 * on the second port, an https page, a dev server whose origin the lab does not know).
 */
export async function chooseClientRoute(
  pageBase: string,
  conditionerPort: number | null,
  probe: (baseUrl: string) => Promise<boolean>,
): Promise<ClientRoute> {
  if (conditionerPort === null) return { via: 'direct', baseUrl: pageBase, conditionerPort: null, note: null };
  const baseUrl = conditionerBaseUrl(pageBase, conditionerPort);
  if (await probe(baseUrl).catch(() => false)) return { via: 'conditioner', baseUrl, conditionerPort, note: null };
  return {
    via: 'direct',
    baseUrl: pageBase,
    conditionerPort,
    note: `this page cannot reach the conditioner's port ${conditionerPort}, so its clients are not shaped`,
  };
}

/** The browser's probe: one `GET /api/clock` through the conditioner, with CORS as the lab answers it. */
export async function probeWithFetch(baseUrl: string, fetchImpl: typeof fetch = fetch): Promise<boolean> {
  const response = await fetchImpl(apiUrl(baseUrl, '/api/clock'), {
    cache: 'no-store',
    signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
  });
  await response.body?.cancel();
  return response.ok;
}
