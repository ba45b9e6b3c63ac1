/**
 * `npm run chaos`'s run with the conditioner's "WebSocket blocked": Socket.IO's
 * default client falls back to long polling, never upgrades, and through
 * drop-alls still gets every event exactly once, in order; and the flags
 * refuse to follow plain WebSocket, which cannot connect at all then.
 */
import { describe, expect, it } from 'vitest';
import { parseChaosFlags } from '../cli/chaos-flags.ts';
import { runChaos } from '../cli/chaos-run.ts';

describe('chaos with WebSocket blocked', () => {
  it('Socket.IO delivers every event over polling through 5 drop-alls', async () => {
    const result = await runChaos({
      drops: 5,
      ratePerSecond: 20,
      minGapMs: 300,
      maxGapMs: 500,
      network: 'none',
      transports: ['socket-io'],
      websocketBlocked: true,
    });
    expect(result.websocketBlocked).toBe(true);
    expect(Object.keys(result.transports)).toEqual(['socket-io']);
    const t = result.transports['socket-io'];
    if (!t) throw new Error('no Socket.IO result');
    expect(t.published).toBeGreaterThan(20);
    expect(t).toMatchObject({ lost: 0, duplicated: 0, strictlyIncreasing: true });
    expect(t.engine).toEqual({ transport: 'polling', everUpgraded: false });
    expect(t.dropsHit).toBeGreaterThanOrEqual(3);
    expect(result.ok).toBe(true);
  }, 60_000);

  it('refuses --websocket-blocked with plain WebSocket among the transports, with a code', () => {
    expect(() => parseChaosFlags(['--websocket-blocked'])).toThrow(/plain WebSocket cannot connect/);
    expect(() => parseChaosFlags(['--websocket-blocked', '--transports', 'websocket'])).toThrow(
      expect.objectContaining({ code: 'LAB_ERR_BAD_FLAG' }),
    );
    expect(parseChaosFlags(['--websocket-blocked', '--transports', 'socket-io,sse'])).toMatchObject({
      websocketBlocked: true,
      transports: ['sse', 'socket-io'],
    });
  });
});
