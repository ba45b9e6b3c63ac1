/**
 * The LessonDriver of both the command line and the dashboard: steers a lab
 * over its public HTTP API (`PUT /api/feed/settings`, `PUT /api/network`,
 * `POST /api/network/faults`), measures each feed run with real FeedClients
 * in the environment it is given, hands the connection-limit run to
 * `measureOther` (a real Chromium in Node), and puts the feed and the network
 * back afterwards.
 */
import type { FeedStatus } from '../protocol/lab-status.ts';
import type { NetworkState } from '../protocol/network-state.ts';
import type { ConnectionLimitRunPlan, FeedRunPlan, NetworkPlan, RunMeasurement, RunPlan } from './lesson.ts';
import { type FeedRunContext, measureFeedRun } from './measure-feed-run.ts';
import { type LessonDriver, LessonUnavailable } from './run-lesson.ts';

interface Saved {
  feed: FeedStatus;
  network: NetworkState | null;
}

export class LabLessonDriver implements LessonDriver {
  private rttMs = 0;

  /**
   * @param context where the feed runs' clients run, and how to reach the lab
   * @param measureOther measures a run that is not a feed run (the connection limit)
   */
  constructor(
    private readonly context: FeedRunContext,
    private readonly measureOther: (run: ConnectionLimitRunPlan) => Promise<RunMeasurement>,
  ) {}

  private get request() {
    return this.context.request;
  }

  private get lab() {
    return this.context.lab;
  }

  async capture(): Promise<Saved> {
    const feed = await this.request<FeedStatus>('GET', '/api/feed/status');
    const network = this.lab.conditionerUrl ? await this.request<NetworkState>('GET', '/api/network') : null;
    return { feed, network };
  }

  async apply(run: RunPlan): Promise<void> {
    if (run.kind !== 'feed') return;
    await this.request('PUT', '/api/feed/settings', feedSettings(run));
    if (run.network && run.http) {
      throw new LessonUnavailable(
        `"${run.label}" shapes the network over TLS, and the conditioner shapes the plain port only`,
        'run it without the network plan, or over the plain port',
      );
    }
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
    if (run.kind === 'feed') return measureFeedRun(this.context, run, this.rttMs);
    return this.measureOther(run);
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
