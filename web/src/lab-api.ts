/**
 * The lab's control and information endpoints, as the page calls them
 * (see docs/api.md). Errors carry the server's `code` and `hint`.
 */
import type { ClassReport, ClassView } from '../../protocol/class-report.ts';
import type { ClassRoundView, RoundStart, RoundVerdict, RoundVote } from '../../protocol/class-round.ts';
import { LabApiError } from '../../protocol/lab-api-error.ts';
import type { FeedStatus, HttpsPorts, LabAccess } from '../../protocol/lab-status.ts';
import type { LoadRunRequest, LoadRunView } from '../../protocol/load-run-view.ts';
import type { MetricsSnapshot } from '../../protocol/metrics.ts';
import type { FaultRequest, LinkShape, NetworkProfileInfo, NetworkState } from '../../protocol/network-state.ts';
import type { ScenarioInfo } from '../../protocol/scenario-info.ts';
import type { InspectResponse } from '../../protocol/wire-sample.ts';

/** `GET /api/feed/status`, also the answer of the settings and restart calls. */
export type { FeedStatus };

export interface FeedSettings {
  scenario?: string;
  ratePerSecond?: number;
  payloadBytes?: number;
  running?: boolean;
}

/** `PUT /api/network`: a named profile, or custom values (omitted ones keep theirs). */
export type NetworkRequest =
  | { profile: string }
  | ({ profile: 'custom' } & Partial<LinkShape>)
  /** The "WebSocket blocked" switch alone (the link stays as it is). */
  | { websocketBlocked: boolean };

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

  /** `GET /api/https`: the HTTPS ports, for a page served over HTTPS that picks its HTTP version. */
  https(): Promise<HttpsPorts> {
    return this.call('GET', '/api/https');
  }

  /** `GET /api/join`: the URLs students open (LAN mode), never with a token. */
  join(): Promise<{ urls: string[] }> {
    return this.call('GET', '/api/join');
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

  /** `GET /api/class/round?page=ID`: the class's prediction round, with this page's own vote. */
  classRound(page: string): Promise<ClassRoundView> {
    return this.call('GET', `/api/class/round?page=${encodeURIComponent(page)}`);
  }

  /** Starts a round for a lesson (a control action). */
  startClassRound(start: RoundStart): Promise<ClassRoundView> {
    return this.call('POST', '/api/class/round', start);
  }

  /** Not a control action: every page votes, so the teacher's token stays out of it. */
  voteInClassRound(vote: RoundVote): Promise<ClassRoundView> {
    return this.call('POST', '/api/class/round/vote', vote, false);
  }

  /** Closes the votes: the experiment runs (a control action). */
  runClassRound(): Promise<ClassRoundView> {
    return this.call('POST', '/api/class/round/run');
  }

  revealClassRound(verdict: RoundVerdict): Promise<ClassRoundView> {
    return this.call('POST', '/api/class/round/reveal', verdict);
  }

  endClassRound(): Promise<ClassRoundView> {
    return this.call('DELETE', '/api/class/round');
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
  /** Any lab call, for code that speaks the API itself (the lessons' driver); control calls carry the token. */
  request<T>(method: string, path: string, body?: unknown): Promise<T> {
    return this.call(method, path, body);
  }

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
