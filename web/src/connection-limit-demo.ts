/**
 * The six-connections demo: open N extra SSE connections from this page to
 * its own origin, then time one small request (`GET /api/clock`). With the
 * per-origin pool used up, the browser queues that request until a
 * connection frees up: here, when the demo closes its streams after `holdMs`.
 * The streams are metrics streams under their own client id: lab traffic,
 * so the demo never shows up in any transport's numbers.
 */
import { apiUrl } from '../../clients/feed-http.ts';

export interface LimitDemoOptions {
  /** The page's own base URL. */
  baseUrl: string;
  /** Client id the demo's streams are metered under. */
  clientId: string;
  /** @default 6 extra SSE connections */
  extra?: number;
  /** How long to keep them open before closing (ms). @default 3000 */
  holdMs?: number;
  /** How long to wait for the streams to open before timing the request (ms). @default 1500 */
  settleMs?: number;
  EventSource: new (url: string) => EventSource;
  fetch: typeof fetch;
  now: () => number;
  /** Reports progress in words, for the page. */
  onProgress?: (text: string) => void;
}

export interface LimitDemoResult {
  extra: number;
  /** How many of the extra streams opened before the request was sent: the rest queued too. */
  opened: number;
  /** From sending the request until its answer (ms). */
  waitedMs: number;
  /** True when the answer came only after the demo closed its streams. */
  stalled: boolean;
  /** From closing the streams until the answer (ms); null when it had not stalled. */
  afterCloseMs: number | null;
}

export async function runConnectionLimitDemo(options: LimitDemoOptions): Promise<LimitDemoResult> {
  const { baseUrl, clientId, extra = 6, holdMs = 3000, settleMs = 1500, now } = options;
  const progress = options.onProgress ?? (() => {});
  const sources: EventSource[] = [];
  let opened = 0;
  const allOpen = new Promise<void>((resolve) => {
    for (let i = 0; i < extra; i++) {
      const source = new options.EventSource(apiUrl(baseUrl, '/api/metrics/stream', `client=${clientId}`));
      source.addEventListener('open', () => {
        opened++;
        if (opened === extra) resolve();
      });
      sources.push(source);
    }
  });
  const controller = new AbortController();
  try {
    progress(`opening ${extra} extra SSE connections…`);
    await Promise.race([allOpen, delay(settleMs)]);
    const openedBefore = opened;
    progress(`${openedBefore} of ${extra} open; asking for /api/clock…`);
    const sentAt = now();
    const answer: { at: number | null } = { at: null };
    const request = options
      .fetch(apiUrl(baseUrl, '/api/clock'), { cache: 'no-store', signal: controller.signal })
      .then(async (response) => {
        await response.text();
        answer.at = now();
      });
    await Promise.race([request, delay(holdMs)]);
    if (answer.at !== null) {
      return { extra, opened: openedBefore, waitedMs: answer.at - sentAt, stalled: false, afterCloseMs: null };
    }
    progress(`the request has waited ${((now() - sentAt) / 1000).toFixed(1)} s; closing the demo's connections…`);
    const closedAt = now();
    for (const source of sources) source.close();
    // Once a connection is free the request goes out; give up if it still does not.
    const timer = setTimeout(() => controller.abort(), 10_000);
    try {
      await request;
    } finally {
      clearTimeout(timer);
    }
    const done = answer.at ?? now();
    return { extra, opened: openedBefore, waitedMs: done - sentAt, stalled: true, afterCloseMs: done - closedAt };
  } finally {
    for (const source of sources) source.close();
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
