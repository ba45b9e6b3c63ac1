/**
 * Socket.IO's lanes a user can pick (dashboard, `npm run compare`, `npm run load`
 * with `--socket-io-lane`): which Engine.IO transports its client may use.
 * - `default`: socket.io-client's own choice, `['polling', 'websocket']` — long polling first, then the
 *   upgrade; when the upgrade is refused (a proxy that blocks WebSocket) it stays on polling: it falls back.
 * - `websocket`: `transports: ['websocket']` — straight to a WebSocket; refused, it fails and retries: no fallback.
 * - `polling`: `transports: ['polling']` — long polling only, never upgrades.
 */
export const SOCKET_IO_LANES = ['default', 'websocket', 'polling'] as const;
export type SocketIoLane = (typeof SOCKET_IO_LANES)[number];

/** What each lane means, for help texts and the dashboard. */
export const SOCKET_IO_LANE_TITLES: Record<SocketIoLane, string> = {
  default: 'default: polling, then the upgrade (falls back to polling when WebSocket is blocked)',
  websocket: "websocket only: transports: ['websocket'] (no fallback: fails when WebSocket is blocked)",
  polling: "polling only: transports: ['polling'] (never upgrades)",
};

/** The client option of a lane (`socketIoTransports`); undefined for socket.io-client's default. */
export function socketIoTransportsOf(lane: SocketIoLane): ('polling' | 'websocket')[] | undefined {
  return lane === 'default' ? undefined : [lane];
}

export function isSocketIoLane(value: unknown): value is SocketIoLane {
  return typeof value === 'string' && (SOCKET_IO_LANES as readonly string[]).includes(value);
}
