/**
 * The lab's control and information endpoints, as the page calls them
 * (see docs/api.md). Errors carry the server's `code` and `hint`.
 */
import type { TransportName } from '../../protocol/feed-event.ts';
import type { FeedStatus, LabAccess } from '../../protocol/lab-status.ts';
import type { MetricsSnapshot } from '../../protocol/metrics.ts';
import type { InspectResponse } from '../../protocol/wire-sample.ts';
import { LabApiError } from '../../protocol/lab-api-error.ts';
import type { LoadRunRequest, LoadRunView } from '../../protocol/load-run-view.ts';

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
export type { FeedStatus };

export interface FeedSettings {
  scenario?: string;
  ratePerSecond?: number;
  payloadBytes?: number;
  running?: boolean;
}

/** What the conditioner adds on top of the machine's own network (see docs/api.md, "Network conditioner"). */
export interface LinkShape {
  /** Added round trip, ms. */
  rttMs: number;
  /** Up to this much extra delay per chunk, ms. */
  jitterMs: number;
  /** kbit/s, 0 = unlimited. */
  downKbps: number;
  upKbps: number;
}

/** `GET /api/network`, also the answer of `PUT /api/network` and `POST /api/network/faults`. */
export interface NetworkState extends LinkShape {
  /** The conditioner's port; null when no conditioner runs. */
  port: number | null;
  profile: string;
  faults: { stallRemainingMs: number; chaosEverySeconds: number | null; cutConnections: number };
  openConnections: number;
}

/** One of `GET /api/network/profiles`. */
export interface NetworkProfileInfo extends LinkShape {
  id: string;
  title: string;
  notice: string;
}

/** `PUT /api/network`: a named profile, or custom values (omitted ones keep theirs). */
export type NetworkRequest = { profile: string } | ({ profile: 'custom' } & Partial<LinkShape>);

export type FaultRequest =
  | { action: 'drop-all' }
  | { action: 'stall'; seconds: number }
  | { action: 'chaos'; everySeconds: number }
  | { action: 'calm' };

/** One page's figures for the class view (`POST /api/class/report`). */
export interface ClassReport {
  page: string;
  transports: Partial<Record<TransportName, { p50: number; p95: number; p99: number; messages: number; gaps: number }>>;
}

export interface Spread {
  min: number;
  median: number;
  max: number;
}

/** `GET /api/class`: how the class's figures spread, per transport. */
export interface ClassView {
  browsers: number;
  transports: Partial<
    Record<TransportName, { browsers: number; p50: Spread; p95?: Spread; p99: Spread; messages: Spread; gaps: Spread }>
  >;
}

export class LabApi {
  /** @param token the teacher token, sent with the calls that steer the feed (a lab on the LAN refuses them without it) */
  constructor(
    private readonly baseUrl: string,
    private readonly token: string | null = null,
  ) {}

  /** Whether this page may steer the lab: sends its teacher token, if any, as a control action would. */
  access(): Promise<LabAccess> {
    return this.call('GET', '/api/access', undefined, true);
  }

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

  /** The meter's reading for this client id now, tagged with the segment under way. */
  metrics(clientId: string): Promise<MetricsSnapshot> {
    return this.call('GET', `/api/metrics?client=${encodeURIComponent(clientId)}`);
  }

  inspect(clientId: string): Promise<InspectResponse> {
    return this.call('GET', `/api/inspect?client=${encodeURIComponent(clientId)}`);
  }

  network(): Promise<NetworkState> {
    return this.call('GET', '/api/network');
  }

  networkProfiles(): Promise<NetworkProfileInfo[]> {
    return this.call('GET', '/api/network/profiles');
  }

  setNetwork(request: NetworkRequest): Promise<NetworkState> {
    return this.call('PUT', '/api/network', request);
  }

  fault(request: FaultRequest): Promise<NetworkState> {
    return this.call('POST', '/api/network/faults', request);
  }

  /** Not a control action: every page reports, so the teacher's token stays out of it. */
  reportToClass(report: ClassReport): Promise<void> {
    return this.call('POST', '/api/class/report', report, false);
  }

  classView(): Promise<ClassView> {
    return this.call('GET', '/api/class');
  }

  loadRun(): Promise<LoadRunView> {
    return this.call('GET', '/api/load');
  }

  startLoadRun(request: LoadRunRequest): Promise<LoadRunView> {
    return this.call('POST', '/api/load', request);
  }

  stopLoadRun(): Promise<LoadRunView> {
    return this.call('DELETE', '/api/load');
  }

  /** This page holds a teacher token: it is the teacher's page. */
  get hasToken(): boolean {
    return this.token !== null;
  }

  /** @param control a control action: sends the teacher token (every non-GET call unless told otherwise) */
  private async call<T>(method: string, path: string, body?: unknown, control = method !== 'GET'): Promise<T> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (control && this.token) headers.authorization = `Bearer ${this.token}`;
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
