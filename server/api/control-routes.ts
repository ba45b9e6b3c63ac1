/**
 * Steering the feed: scenario, rate, payload size, pause/resume and a new
 * epoch. Lab traffic. Control actions: in LAN mode they need the teacher token.
 * A new scenario, rate or size, and a restart, start a new segment.
 */
import type { FastifyInstance } from 'fastify';
import type { FeedStatus } from '../../protocol/lab-status.ts';
import type { SegmentReason } from '../../protocol/segment.ts';
import { LabErrors } from '../errors.ts';
import type { Feed, FeedSettings } from '../feed/feed.ts';
import { loadScenario } from '../feed/scenario.ts';
import type { SegmentLog } from '../segment-log.ts';
import type { TransportContext } from '../transports/transport-context.ts';

const SETTINGS_KEYS = new Set(['scenario', 'ratePerSecond', 'payloadBytes', 'running']);
const SCENARIO_ID = /^[a-z0-9]+(?:-[a-z0-9]+){0,10}$/;

export function feedStatus(feed: Feed, segments: SegmentLog): FeedStatus {
  const { scenario, seed, ratePerSecond, payloadBytes } = feed.currentSettings;
  return {
    segment: segments.current,
    epoch: feed.epoch,
    seq: feed.newestSeq,
    running: feed.running,
    scenario: scenario.id,
    seed,
    ratePerSecond: ratePerSecond ?? scenario.ratePerSecond,
    payloadBytes: payloadBytes ?? scenario.payload.bytes,
  };
}

export async function controlRoutes(app: FastifyInstance, { feed, segments }: TransportContext): Promise<void> {
  const status = (): FeedStatus => feedStatus(feed, segments);
  app.get('/api/feed/status', status);

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
    const change = settingsChange(current, next);
    if (change) segments.change(change.reason, change.label, () => feed.configure(next));
    if (changes.running === true) feed.start();
    if (changes.running === false) feed.stop();
    return status();
  });

  app.post('/api/feed/restart', { config: { control: true } }, () => {
    segments.change('restart', 'restart', () => feed.restart());
    return status();
  });
}

/** What changed, named for the segment's boundary marker; null when nothing did. */
function settingsChange(
  current: Readonly<FeedSettings>,
  next: FeedSettings,
): { reason: SegmentReason; label: string } | null {
  if (next.scenario !== current.scenario) return { reason: 'scenario', label: next.scenario.id };
  if (next.ratePerSecond !== current.ratePerSecond)
    return { reason: 'rate', label: `${next.ratePerSecond ?? next.scenario.ratePerSecond}/s` };
  if (next.payloadBytes !== current.payloadBytes)
    return { reason: 'size', label: `${next.payloadBytes ?? next.scenario.payload.bytes} B` };
  return null;
}

function numberIn(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number' || !(value >= min && value <= max)) {
    throw LabErrors.BAD_BODY(`"${name}" must be a number from ${min} to ${max} (got ${JSON.stringify(value)})`);
  }
  return value;
}
