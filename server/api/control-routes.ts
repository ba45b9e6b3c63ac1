/**
 * Steering the feed: scenario, rate, payload size, pause/resume and a new
 * epoch. Lab traffic. Control actions: in LAN mode they need the teacher token.
 */
import type { FastifyInstance } from 'fastify';
import type { FeedStatus } from '../../protocol/lab-status.ts';
import { LabErrors } from '../errors.ts';
import type { Feed } from '../feed/feed.ts';
import { loadScenario } from '../feed/scenario.ts';
import type { TransportContext } from '../transports/transport-context.ts';

const SETTINGS_KEYS = new Set(['scenario', 'ratePerSecond', 'payloadBytes', 'running']);
const SCENARIO_ID = /^[a-z0-9]+(?:-[a-z0-9]+){0,10}$/;

export function feedStatus(feed: Feed): FeedStatus {
  const { scenario, seed, ratePerSecond, payloadBytes } = feed.currentSettings;
  return {
    epoch: feed.epoch,
    seq: feed.newestSeq,
    running: feed.running,
    scenario: scenario.id,
    seed,
    ratePerSecond: ratePerSecond ?? scenario.ratePerSecond,
    payloadBytes: payloadBytes ?? scenario.payload.bytes,
  };
}

export async function controlRoutes(app: FastifyInstance, { feed }: TransportContext): Promise<void> {
  app.get('/api/feed/status', () => feedStatus(feed));

  app.put('/api/feed/settings', { config: { control: true } }, (request) => {
    const body = request.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw LabErrors.BAD_BODY('send a JSON object such as {"ratePerSecond":20}');
    }
    const changes = body as Record<string, unknown>;
    for (const key of Object.keys(changes)) {
      if (!SETTINGS_KEYS.has(key))
        throw LabErrors.BAD_BODY(`unknown field "${key}"; allowed: scenario, ratePerSecond, payloadBytes, running`);
    }
    const current = feed.currentSettings;
    let next = { ...current };
    if (changes.scenario !== undefined) {
      // Only ids from scenarios/: the API never opens a path a visitor names.
      if (typeof changes.scenario !== 'string' || !SCENARIO_ID.test(changes.scenario)) {
        throw LabErrors.BAD_BODY('"scenario" must be the id of a file in scenarios/, e.g. "chat-room"');
      }
      // A new scenario plays as designed unless this request overrides rate or size too.
      next = { ...next, scenario: loadScenario(changes.scenario), ratePerSecond: undefined, payloadBytes: undefined };
    }
    if (changes.ratePerSecond !== undefined)
      next.ratePerSecond = numberIn(changes.ratePerSecond, 'ratePerSecond', 0.001, 1000);
    if (changes.payloadBytes !== undefined) {
      next.payloadBytes = Math.round(numberIn(changes.payloadBytes, 'payloadBytes', 1, 1_048_576));
    }
    if (changes.running !== undefined && typeof changes.running !== 'boolean') {
      throw LabErrors.BAD_BODY('"running" must be true or false');
    }
    if (
      next.scenario !== current.scenario ||
      next.ratePerSecond !== current.ratePerSecond ||
      next.payloadBytes !== current.payloadBytes
    ) {
      feed.configure(next);
    }
    if (changes.running === true) feed.start();
    if (changes.running === false) feed.stop();
    return feedStatus(feed);
  });

  app.post('/api/feed/restart', { config: { control: true } }, () => {
    feed.restart();
    return feedStatus(feed);
  });
}

function numberIn(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number' || !(value >= min && value <= max)) {
    throw LabErrors.BAD_BODY(`"${name}" must be a number from ${min} to ${max} (got ${JSON.stringify(value)})`);
  }
  return value;
}
