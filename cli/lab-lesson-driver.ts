/**
 * The Node LessonDriver: steers a lab over its public HTTP API
 * (`PUT /api/feed/settings`, `PUT /api/network`, `POST /api/network/faults`),
 * measures each run with real FeedClients (or a real Chromium for the
 * connection-limit run), and puts the feed and the network back afterwards.
 */
import type { FeedStatus } from '../protocol/lab-status.ts';
import type { FeedRunPlan, NetworkPlan, RunMeasurement, RunPlan } from '../lessons/lesson.ts';
import { type LessonDriver, LessonUnavailable } from '../lessons/run-lesson.ts';
import type { NetworkState } from '../protocol/network-state.ts';
import { measureConnectionLimit } from './lesson-browser-run.ts';
import { type LabEndpoints, type LabRequest, measureFeedRun } from './lesson-feed-run.ts';

interface Saved {
  feed: FeedStatus;
  network: NetworkState | null;
}

/** A control call the lab refused, with its own code and message. */
export class LabRefused extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class LabLessonDriver implements LessonDriver {
  private rttMs = 0;

  constructor(private readonly lab: LabEndpoints) {}

  /** JSON to and from the lab's own port; a refusal throws LabRefused with the lab's code. */
  readonly request: LabRequest = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${this.lab.labUrl}${path}`, {
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

  async capture(): Promise<Saved> {
    const feed = await this.request<FeedStatus>('GET', '/api/feed/status');
    const network = this.lab.conditionerUrl ? await this.request<NetworkState>('GET', '/api/network') : null;
    return { feed, network };
  }

  async apply(run: RunPlan): Promise<void> {
    if (run.kind !== 'feed') return;
    await this.request('PUT', '/api/feed/settings', feedSettings(run));
    if (!run.network) {
      this.rttMs = 0;
      return;
    }
    if (!this.lab.conditionerUrl) {
      throw new LessonUnavailable(
        `"${run.label}" shapes the network, and this lab runs no network conditioner`,
        'start the lab with a conditioner (npm start does, unless --conditioner-port off), or leave out --url',
      );
    }
    const state = await this.request<NetworkState>('PUT', '/api/network', networkBody(run.network));
    this.rttMs = state.rttMs;
  }

  measure(run: RunPlan): Promise<RunMeasurement> {
    if (run.kind === 'feed') return measureFeedRun(this.lab, run, this.rttMs, this.request);
    return measureConnectionLimit(this.lab, run, this.request);
  }

  async restore(saved: unknown): Promise<void> {
    const { feed, network } = saved as Saved;
    await this.request('PUT', '/api/feed/settings', {
      scenario: feed.scenario,
      ratePerSecond: feed.ratePerSecond,
      payloadBytes: feed.payloadBytes,
      running: feed.running,
    });
    if (!network) return;
    await this.request('POST', '/api/network/faults', { action: 'calm' });
    const { profile, rttMs, jitterMs, downKbps, upKbps } = network;
    await this.request(
      'PUT',
      '/api/network',
      profile === 'custom' ? { profile, rttMs, jitterMs, downKbps, upKbps } : { profile },
    );
  }
}

function feedSettings(run: FeedRunPlan): Record<string, unknown> {
  return {
    scenario: run.feed.scenario,
    ...(run.feed.ratePerSecond === undefined ? {} : { ratePerSecond: run.feed.ratePerSecond }),
    ...(run.feed.payloadBytes === undefined ? {} : { payloadBytes: run.feed.payloadBytes }),
    running: true,
  };
}

function networkBody(network: NetworkPlan): Record<string, unknown> {
  if (network.profile !== 'custom') return { profile: network.profile };
  return {
    profile: 'custom',
    rttMs: network.rttMs,
    jitterMs: network.jitterMs ?? 0,
    downKbps: network.downKbps ?? 0,
    upKbps: network.upKbps ?? 0,
  };
}
