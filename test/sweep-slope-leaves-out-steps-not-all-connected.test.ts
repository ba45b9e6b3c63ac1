/**
 * `npm run sweep`'s memory per idle connection is a slope of RSS against
 * clients; a step where clients failed or were not all connected (a ramp of
 * Socket.IO handshakes saturating the lab) does not measure their memory, so
 * the slope leaves it out.
 */
import { describe, expect, it } from 'vitest';
import { everyoneConnected, memorySlope, type SweepPoint } from '../load/sweep-cli.ts';

function point(clients: number, rssMB: number, connections: number, errors = 0): SweepPoint {
  return {
    transport: 'socket-io',
    clients,
    cpuPct: 1,
    rssMB,
    rssBeforeMB: 100,
    heapMB: 50,
    memoryPerConnectionKB: null,
    connections,
    eventLoopUtilization: 0,
    eventLoopDelayP99Ms: 1,
    latencyP50Ms: 0,
    latencyP99Ms: 0,
    messagesPerSecond: 0,
    requestsPerSecond: 0,
    generatorCpuPct: 1,
    lost: 0,
    duplicates: 0,
    errors,
    reconnects: 0,
  };
}

describe('the sweep memory slope', () => {
  it('fits RSS against clients over the steps where everyone was connected', () => {
    // 10 MB per 1,000 clients: 10.24 KB per connection; the third step lost clients and reads low.
    const points = [
      point(1000, 110, 1000),
      point(2000, 120, 2000),
      point(3000, 105, 1800, 1200),
      point(4000, 140, 4000),
    ];
    expect(points.map(everyoneConnected)).toEqual([true, true, false, true]);
    expect(memorySlope(points)).toBe(10.2);
    // With it, the fit would be wrong.
    expect(memorySlope(points.map((p) => ({ ...p, errors: 0, connections: p.clients })))).not.toBe(10.2);
  });

  it('gives no slope with fewer than two steps where everyone was connected', () => {
    expect(memorySlope([point(1000, 110, 1000), point(2000, 90, 900, 5)])).toBeNull();
  });
});
