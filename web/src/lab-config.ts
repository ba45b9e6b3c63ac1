/**
 * The page's configuration, kept in the URL's query string so that a link
 * reproduces a setup: `?scenario=chat-room&rate=2&interval=500&off=sse&presenter=1&view=stage`.
 * Feed settings (scenario, rate, payload) are the server's; the rest are this page's.
 */

import { isTransportName, TRANSPORT_NAMES, type TransportName } from '../../protocol/feed-event.ts';
import { isSocketIoLane, type SocketIoLane } from '../../protocol/socket-io-lanes.ts';

export type Theme = 'auto' | 'light' | 'dark';

/**
 * Which HTTP version the HTTP transports speak when the page is served over HTTPS: `page`, the
 * port the page came from (the default), or the lab's HTTP/2 port (`?http=2`) or HTTP/1.1 one (`?http=1.1`).
 */
export type HttpChoice = 'page' | 'h2' | 'http/1.1';

/** Which view the page shows: the whole lab, or the projector's stage (`?view=stage`). */
export type PageView = 'page' | 'stage';

export interface LabConfig {
  /** Feed scenario id; null: whatever the lab is playing. */
  scenario: string | null;
  /** Events per second; null: the scenario's own. */
  rate: number | null;
  /** Payload bytes; null: the scenario's own. */
  payload: number | null;
  /** Short-poll interval, ms. */
  interval: number;
  /** Long-poll timeout, ms. */
  timeout: number;
  /** Socket.IO's lane (`?lane=websocket`): which Engine.IO transports its client may use. */
  lane: SocketIoLane;
  /** Which transports this page runs. */
  enabled: Record<TransportName, boolean>;
  /** Over HTTPS: HTTP/2 or HTTP/1.1 for the HTTP transports (WebSocket is HTTP/1.1 either way). */
  http: HttpChoice;
  /** Conditional short polling (`?conditional=1`): `If-None-Match`, and `304 Not Modified` when nothing is new. */
  conditional: boolean;
  theme: Theme;
  presenter: boolean;
  /** Latency chart on a log scale. */
  log: boolean;
  /** The lesson shown open, so a link names a lesson too; null: none. */
  lesson: string | null;
  /** The whole page, or the stage for a projector. */
  view: PageView;
}

export const DEFAULT_CONFIG: LabConfig = {
  scenario: null,
  rate: null,
  payload: null,
  interval: 1000,
  timeout: 25_000,
  lane: 'default',
  enabled: Object.fromEntries(TRANSPORT_NAMES.map((t) => [t, true])) as Record<TransportName, boolean>,
  http: 'page',
  conditional: false,
  theme: 'auto',
  presenter: false,
  log: false,
  lesson: null,
  view: 'page',
};

/** Limits of the page's own settings (the feed's are checked by the server). */
export const LIMITS = {
  interval: { min: 0, max: 60_000 },
  timeout: { min: 100, max: 60_000 },
  rate: { min: 0.001, max: 1000 },
  payload: { min: 1, max: 1_048_576 },
};

function numberIn(value: string | null, min: number, max: number): number | null {
  if (value === null || value.trim() === '') return null;
  const n = Number(value);
  return Number.isFinite(n) && n >= min && n <= max ? n : null;
}

/** Reads a query string; anything unreadable falls back to the default. */
export function parseConfig(search: string): LabConfig {
  const q = new URLSearchParams(search);
  const off = new Set((q.get('off') ?? '').split(',').filter(isTransportName));
  const enabled = Object.fromEntries(TRANSPORT_NAMES.map((t) => [t, !off.has(t)])) as Record<TransportName, boolean>;
  const theme = q.get('theme');
  const scenario = q.get('scenario');
  const lesson = q.get('lesson');
  return {
    scenario: scenario && /^[a-z0-9-]{1,64}$/.test(scenario) ? scenario : null,
    rate: numberIn(q.get('rate'), LIMITS.rate.min, LIMITS.rate.max),
    payload: numberIn(q.get('payload'), LIMITS.payload.min, LIMITS.payload.max),
    interval: numberIn(q.get('interval'), LIMITS.interval.min, LIMITS.interval.max) ?? DEFAULT_CONFIG.interval,
    timeout: numberIn(q.get('timeout'), LIMITS.timeout.min, LIMITS.timeout.max) ?? DEFAULT_CONFIG.timeout,
    lane: isSocketIoLane(q.get('lane')) ? (q.get('lane') as SocketIoLane) : DEFAULT_CONFIG.lane,
    enabled,
    http: q.get('http') === '1.1' ? 'http/1.1' : q.get('http') === '2' ? 'h2' : 'page',
    conditional: q.get('conditional') === '1',
    theme: theme === 'light' || theme === 'dark' ? theme : 'auto',
    presenter: q.get('presenter') === '1',
    log: q.get('log') === '1',
    lesson: lesson && /^[a-z0-9-]{1,64}$/.test(lesson) ? lesson : null,
    view: q.get('view') === 'stage' ? 'stage' : 'page',
  };
}

/** The query string for a configuration; defaults are left out so links stay short. */
export function configToSearch(config: LabConfig): string {
  const q = new URLSearchParams();
  if (config.scenario) q.set('scenario', config.scenario);
  if (config.rate !== null) q.set('rate', String(config.rate));
  if (config.payload !== null) q.set('payload', String(config.payload));
  if (config.interval !== DEFAULT_CONFIG.interval) q.set('interval', String(config.interval));
  if (config.timeout !== DEFAULT_CONFIG.timeout) q.set('timeout', String(config.timeout));
  if (config.lane !== DEFAULT_CONFIG.lane) q.set('lane', config.lane);
  const off = TRANSPORT_NAMES.filter((t) => !config.enabled[t]);
  if (off.length > 0) q.set('off', off.join(','));
  if (config.http !== DEFAULT_CONFIG.http) q.set('http', config.http === 'h2' ? '2' : '1.1');
  if (config.conditional) q.set('conditional', '1');
  if (config.theme !== 'auto') q.set('theme', config.theme);
  if (config.presenter) q.set('presenter', '1');
  if (config.log) q.set('log', '1');
  if (config.lesson) q.set('lesson', config.lesson);
  if (config.view !== DEFAULT_CONFIG.view) q.set('view', config.view);
  const text = q.toString().replace(/%2C/g, ',');
  return text ? `?${text}` : '';
}
