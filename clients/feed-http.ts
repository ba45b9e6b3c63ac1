/**
 * The HTTP helpers every feed client shares: the lab's URLs and one JSON
 * request with a timeout, counted for the `onWire` hook and aborted all at
 * once when the client stops.
 */
import { isErrorAnswer } from '../protocol/feed-message-guards.ts';
import type { ClientEnv } from './client-env.ts';
import { FeedClientError } from './feed-client-error.ts';

/** Told when a request starts and ends (path, status), for the client's `onWire` hook. */
export type RequestNotice = (
  kind: 'request-start' | 'request-end',
  detail: { request: number; path: string; status?: number },
) => void;

/**
 * Joins the lab's base URL (which may carry a proxy's path prefix and a
 * trailing slash) with an API path and an optional query string.
 */
export function apiUrl(baseUrl: string, path: string, query = ''): string {
  const url = new URL(baseUrl);
  const prefix = url.pathname.replace(/\/+$/, '');
  return `${url.origin}${prefix}${path}${query ? `?${query}` : ''}`;
}

/** One JSON request's answer. */
export interface JsonAnswer {
  body: unknown;
  /** When the answer arrived, epoch ms. */
  receivedAt: number;
  status: number;
  /** The answer's `ETag` header, null without one. */
  etag: string | null;
}

export class JsonRequests {
  private readonly inFlight = new Set<AbortController>();
  private count = 0;

  constructor(
    private readonly env: ClientEnv,
    private readonly notice: RequestNotice,
  ) {}

  /**
   * fetch + JSON with an AbortController that `abortAll` aborts and that gives up
   * after `timeoutMs`. Non-2xx answers throw a FeedClientError with the server's code, but a
   * `304 Not Modified` (the answer to a conditional request) is an answer: its body is null.
   * @returns the parsed body, when the answer arrived (epoch ms), its status and its ETag (null: none)
   */
  async request(url: string, init: RequestInit, timeoutMs: number): Promise<JsonAnswer> {
    const controller = new AbortController();
    this.inFlight.add(controller);
    const request = ++this.count;
    const path = new URL(url).pathname;
    let status: number | undefined;
    this.notice('request-start', { request, path });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    try {
      const response = await this.env.fetch(url, { ...init, signal: controller.signal });
      status = response.status;
      const text = await response.text();
      const receivedAt = this.env.now();
      if (response.status === 304) return { body: null, receivedAt, status: 304, etag: response.headers.get('etag') };
      if (!response.ok) {
        // A proxy in front of the lab may answer with HTML; only the lab's own errors carry a code.
        const body = parseJsonOrNull(text);
        if (isErrorAnswer(body)) throw new FeedClientError(body.code, body.message);
        throw new FeedClientError('LAB_ERR_CLIENT_HTTP', `HTTP ${response.status} from ${url}`);
      }
      const body = text ? (JSON.parse(text) as unknown) : null;
      return { body, receivedAt, status: response.status, etag: response.headers.get('etag') };
    } catch (error) {
      if (timedOut) throw new FeedClientError('LAB_ERR_CLIENT_TIMEOUT', `no answer within ${timeoutMs} ms`);
      throw error;
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(controller);
      this.notice('request-end', { request, path, ...(status === undefined ? {} : { status }) });
    }
  }

  /** Aborts every request in flight (the client stopped). */
  abortAll(): void {
    for (const controller of this.inFlight) controller.abort();
    this.inFlight.clear();
  }
}

function parseJsonOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
