/**
 * The lab endpoints a load run reads: the feed's status, the meter's totals,
 * the lab process's own cost, and pausing the feed at the end of a run. All of
 * it is lab traffic, counted under `lab` on the meter, never in a transport.
 */
import type { FeedStatus, ProcessFigures } from '../protocol/lab-status.ts';
import type { MetricsSnapshot } from '../protocol/metrics.ts';

export type { FeedStatus, ProcessFigures };

/** The error a CLI reports as LAB_ERR_UNREACHABLE (exit 2). */
export class UnreachableLabError extends Error {
  readonly code = 'LAB_ERR_UNREACHABLE';
}

/** GET and parse JSON; throws on a non-2xx answer. @param timeoutMs=10000 */
export async function getJson<T>(url: string, timeoutMs = 10_000): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
  return (await response.json()) as T;
}

/** The running lab's feed; an UnreachableLabError when nothing answers like a lab there. */
export async function readStatus(baseUrl: string): Promise<FeedStatus> {
  try {
    const status = await getJson<FeedStatus>(`${baseUrl}/api/feed/status`, 5000);
    if (typeof status.epoch !== 'string' || typeof status.seq !== 'number')
      throw new Error('the answer is not a lab status');
    return status;
  } catch (error) {
    throw new UnreachableLabError(`cannot reach a lab at ${baseUrl}: ${describe(error)}`);
  }
}

/** The meter's totals (all clients): a lab with no other traffic gives this run's traffic as the difference of two reads. */
export function readMetrics(baseUrl: string): Promise<MetricsSnapshot> {
  return getJson<MetricsSnapshot>(`${baseUrl}/api/metrics`);
}

/**
 * The lab's process figures; null when the lab has no `/api/process` (404), so a
 * run against an older lab reports its cost as unknown rather than failing.
 * @param reset true starts a new event-loop delay window after this read
 */
export async function readProcess(baseUrl: string, reset: boolean): Promise<ProcessFigures | null> {
  const response = await fetch(`${baseUrl}/api/process${reset ? '?reset=true' : ''}`, {
    signal: AbortSignal.timeout(10_000),
  });
  if (response.status === 404) {
    await response.body?.cancel();
    return null;
  }
  if (!response.ok) throw new Error(`${baseUrl}/api/process answered HTTP ${response.status}`);
  return (await response.json()) as ProcessFigures;
}

/** Stops the feed publishing (only ever on a lab this tool started); returns the status with the final seq. */
export async function pauseFeed(baseUrl: string): Promise<FeedStatus> {
  const response = await fetch(`${baseUrl}/api/feed/settings`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ running: false }),
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`pausing the feed answered HTTP ${response.status}`);
  return (await response.json()) as FeedStatus;
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return cause.code;
  return error instanceof Error ? error.message : String(error);
}
