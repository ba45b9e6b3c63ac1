/**
 * A real lab on a real port for tests: buildApp + listen on 127.0.0.1:0.
 * The feed does not publish by itself unless asked, so tests decide what flows.
 */
import type { FastifyInstance } from 'fastify';
import type { TransportName } from '../../protocol/feed-event.ts';
import type { MetricsSnapshot, TransportMetrics } from '../../protocol/metrics.ts';
import { buildApp } from '../../server/app.ts';
import type { LabOptions } from '../../server/lab-options.ts';

export interface RunningLab {
  app: FastifyInstance;
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startLab(overrides: Partial<LabOptions> = {}): Promise<RunningLab> {
  const app = await buildApp({ autostart: false, seed: 1, ...overrides });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('lab did not bind a TCP port');
  return {
    app,
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    close: () => app.close(),
  };
}

/** Publishes `count` events of the given data, one per call, as the generator would. */
export function publishMany(app: FastifyInstance, count: number, data: (i: number) => unknown = (i) => ({ i })): void {
  for (let i = 0; i < count; i++) app.feed.publish({ topic: 'test', data: data(i) });
}

export async function waitFor(condition: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** What the lab's meter counted for one client id on one transport (`GET /api/metrics?client=ID`). */
export async function clientMetrics(
  labUrl: string,
  client: string,
  transport: TransportName,
): Promise<TransportMetrics> {
  const snapshot = (await (await fetch(`${labUrl}/api/metrics?client=${client}`)).json()) as MetricsSnapshot;
  return snapshot.transports[transport];
}
