/**
 * The lab's control and information endpoints, as the page calls them
 * (see docs/api.md). Errors carry the server's `code` and `hint`.
 */
import type { InspectResponse } from '../../protocol/wire-sample.ts';

/** A scenario as `GET /api/scenarios` lists it. */
export interface ScenarioInfo {
  id: string;
  title: string;
  summary: string;
  notice: string;
  ratePerSecond: number;
  pattern: 'steady' | 'poisson' | 'bursty';
  burstSize?: number;
  payload: { kind: string; bytes: number; binary?: boolean };
  topics: string[];
  upstreamPerSecond?: number;
}

/** `GET /api/feed/status`, also the answer of the settings and restart calls. */
export interface FeedStatus {
  epoch: string;
  seq: number;
  running: boolean;
  scenario: string;
  seed: number;
  ratePerSecond: number;
  payloadBytes: number;
}

export interface FeedSettings {
  scenario?: string;
  ratePerSecond?: number;
  payloadBytes?: number;
  running?: boolean;
}

export class LabApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'LabApiError';
  }
}

export class LabApi {
  /** @param token the teacher token, sent with the calls that steer the feed (a lab on the LAN refuses them without it) */
  constructor(
    private readonly baseUrl: string,
    private readonly token: string | null = null,
  ) {}

  scenarios(): Promise<ScenarioInfo[]> {
    return this.call('GET', '/api/scenarios');
  }

  status(): Promise<FeedStatus> {
    return this.call('GET', '/api/feed/status');
  }

  settings(settings: FeedSettings): Promise<FeedStatus> {
    return this.call('PUT', '/api/feed/settings', settings);
  }

  restart(): Promise<FeedStatus> {
    return this.call('POST', '/api/feed/restart');
  }

  inspect(clientId: string): Promise<InspectResponse> {
    return this.call('GET', `/api/inspect?client=${encodeURIComponent(clientId)}`);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET' && this.token) headers.authorization = `Bearer ${this.token}`;
    const response = await fetch(new URL(path.replace(/^\//, ''), this.baseUrl), {
      method,
      cache: 'no-store',
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON (e.g. a proxy's HTML error page): reported below by status.
    }
    if (!response.ok) {
      const error = (parsed ?? {}) as { code?: unknown; message?: unknown; hint?: unknown };
      throw new LabApiError(
        response.status,
        typeof error.code === 'string' ? error.code : `HTTP_${response.status}`,
        typeof error.message === 'string' ? error.message : `${method} ${path} answered HTTP ${response.status}`,
        typeof error.hint === 'string' ? error.hint : undefined,
      );
    }
    return parsed as T;
  }
}

/** The lab's base URL as seen from this page (keeps a proxy's path prefix). */
export function pageBaseUrl(): string {
  return new URL('.', window.location.href).href;
}
