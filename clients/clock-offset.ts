/**
 * NTP-style estimate of server clock − client clock from `GET /api/clock`, for
 * delivery latency across machines. The sample with the smallest round trip
 * wins: its server time is pinned most tightly between send and receive.
 */
import type { ClientEnv } from './client-env.ts';
import { apiUrl } from './feed-http.ts';

export interface ClockOffset {
  /** Server clock − client clock, ms: pass as `clockOffsetMs`. */
  offsetMs: number;
  /** The true offset is within ±errorMs of offsetMs (half the best round trip), ms. */
  errorMs: number;
}

/**
 * @param baseUrl the lab's base URL, as for FeedClient
 * @param samples=5 requests made one after another; at least one must succeed
 */
export async function estimateClockOffset(baseUrl: string, env: ClientEnv, samples = 5): Promise<ClockOffset> {
  const url = apiUrl(baseUrl, '/api/clock');
  let best: ClockOffset | null = null;
  let lastError: unknown = null;
  for (let i = 0; i < Math.max(1, samples); i++) {
    try {
      const t0 = env.now();
      const response = await env.fetch(url, { cache: 'no-store' });
      // The server read its clock before sending the head, so the head's arrival bounds it.
      const t1 = env.now();
      const body: unknown = await response.json();
      if (
        !response.ok ||
        typeof body !== 'object' ||
        body === null ||
        typeof (body as { t?: unknown }).t !== 'number'
      ) {
        throw new Error(`unexpected answer from ${url} (HTTP ${response.status})`);
      }
      const t = (body as { t: number }).t;
      const sample = { offsetMs: t - (t0 + t1) / 2, errorMs: (t1 - t0) / 2 };
      if (best === null || sample.errorMs < best.errorMs) best = sample;
    } catch (error) {
      lastError = error;
    }
  }
  if (best === null) throw lastError instanceof Error ? lastError : new Error(`no answer from ${url}`);
  return best;
}
