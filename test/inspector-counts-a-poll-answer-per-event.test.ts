/**
 * The wire inspector's "per event" for a poll answer uses the column's
 * definition: the answer's request and response heads and its body, over the
 * events it carried — equal, for a client's one answer, to the meter's bytes
 * per event.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { bytesPerEvent, totalBytes } from '../protocol/figures.ts';
import type { MetricsSnapshot } from '../protocol/metrics.ts';
import type { InspectResponse } from '../protocol/wire-sample.ts';
import { publishMany, type RunningLab, startLab } from './support/lab-server.ts';

let lab: RunningLab;
beforeEach(async () => {
  lab = await startLab();
});
afterEach(async () => {
  await lab.close();
});

it('a short-poll answer of ten events: parts add up to its body, and (heads + body) / 10 is the meter’s bytes per event', async () => {
  publishMany(lab.app, 10, (i) => ({ price: i * 1.5, symbol: 'ACME' }));
  const answer = await fetch(`${lab.url}/api/feed/short-poll?client=insp&since=0`);
  const body = Buffer.from(await answer.arrayBuffer());
  const { transports } = (await (await fetch(`${lab.url}/api/inspect?client=insp`)).json()) as InspectResponse;
  const sample = transports['short-poll'];
  expect(sample?.eventsCarried).toBe(10);
  const parts = sample?.event ?? [];
  expect(parts.reduce((sum, p) => sum + p.bytes, 0)).toBe(body.length);

  const heads = Buffer.byteLength(sample?.requestHead ?? '') + Buffer.byteLength(sample?.responseHead ?? '');
  const metrics = (await (await fetch(`${lab.url}/api/metrics?client=insp`)).json()) as MetricsSnapshot;
  const meter = metrics.transports['short-poll'];
  expect(meter).toMatchObject({ requests: 1, messages: 10 });
  // The same bytes over the same ten events: the inspector's per event is the column's.
  expect(heads + body.length).toBe(totalBytes(meter));
  expect(bytesPerEvent(meter)?.total).toBeCloseTo((heads + body.length) / 10, 9);
});
