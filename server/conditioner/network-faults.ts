/**
 * Faults the conditioner can inject, so a learner sees every transport lose
 * its connection and come back without losing an event:
 * - `drop-all`: every proxied connection is cut at once;
 * - `stall`: no byte is delivered for N seconds, but connections stay open
 *   (a tunnel, a congested cell);
 * - `chaos`: each open connection is cut at random moments, on average once
 *   every N seconds (a Poisson process per connection), until `calm`.
 * `calm` also ends a stall early.
 */
import type { FaultRequest, FaultState } from '../../protocol/network-state.ts';
import { LabErrors } from '../errors.ts';

/** What the faults act on: the conditioner's open connections. */
export interface FaultTarget<C> {
  connections(): Iterable<C>;
  cut(connection: C): void;
  /** The stall began or ended: waiting bytes must work their release times out again. */
  stallChanged(): void;
}

const MAX_STALL_SECONDS = 600;
const MIN_CHAOS_SECONDS = 0.1;
const MAX_CHAOS_SECONDS = 3600;

export class NetworkFaults<C> {
  /** `performance.now()` time before which nothing is delivered; 0 = no stall. */
  stalledUntil = 0;
  private chaosEverySeconds: number | null = null;
  private cutConnections = 0;
  private stallTimer: NodeJS.Timeout | null = null;
  private readonly chaosTimers = new Map<C, NodeJS.Timeout>();

  constructor(private readonly target: FaultTarget<C>) {}

  state(): FaultState {
    return {
      stallRemainingMs: Math.max(0, Math.round(this.stalledUntil - performance.now())),
      chaosEverySeconds: this.chaosEverySeconds,
      cutConnections: this.cutConnections,
    };
  }

  apply(request: FaultRequest): void {
    switch (request.action) {
      case 'drop-all':
        for (const connection of [...this.target.connections()]) this.cut(connection);
        return;
      case 'stall':
        this.setStall(performance.now() + request.seconds * 1000);
        return;
      case 'chaos':
        this.chaosEverySeconds = request.everySeconds;
        for (const connection of this.target.connections()) this.scheduleCut(connection);
        return;
      case 'calm':
        this.stopChaos();
        if (this.stalledUntil > performance.now()) this.setStall(0);
        return;
    }
  }

  /** A new connection: under chaos, it gets its own random cut. */
  watch(connection: C): void {
    if (this.chaosEverySeconds !== null) this.scheduleCut(connection);
  }

  /** A closed connection needs no cut any more. */
  forget(connection: C): void {
    const timer = this.chaosTimers.get(connection);
    if (timer) clearTimeout(timer);
    this.chaosTimers.delete(connection);
  }

  dispose(): void {
    this.stopChaos();
    if (this.stallTimer) clearTimeout(this.stallTimer);
    this.stallTimer = null;
  }

  private cut(connection: C): void {
    this.forget(connection);
    this.cutConnections++;
    this.target.cut(connection);
  }

  private setStall(until: number): void {
    this.stalledUntil = until;
    if (this.stallTimer) clearTimeout(this.stallTimer);
    this.stallTimer = null;
    // Release times already include the stall's end; the timer only keeps the state honest for pollers.
    if (until > 0) {
      this.stallTimer = setTimeout(() => {
        this.stalledUntil = 0;
        this.stallTimer = null;
      }, until - performance.now());
      this.stallTimer.unref();
    }
    this.target.stallChanged();
  }

  private scheduleCut(connection: C): void {
    const every = this.chaosEverySeconds;
    if (every === null) return;
    this.forget(connection);
    // Exponential gaps (a Poisson process), but never a near-instant cut of a connection that just opened.
    const delayMs = Math.max(0.1, -Math.log(1 - Math.random())) * every * 1000;
    const timer = setTimeout(() => {
      this.chaosTimers.delete(connection);
      this.cut(connection);
    }, delayMs);
    timer.unref();
    this.chaosTimers.set(connection, timer);
  }

  private stopChaos(): void {
    this.chaosEverySeconds = null;
    for (const timer of this.chaosTimers.values()) clearTimeout(timer);
    this.chaosTimers.clear();
  }
}

/** The body of `POST /api/network/faults`, checked; throws LAB_ERR_BAD_FAULT naming the bad field. */
export function parseFaultRequest(body: unknown): FaultRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw LabErrors.BAD_FAULT('send a JSON object such as {"action":"drop-all"}');
  }
  const fields = body as Record<string, unknown>;
  const allowed: Record<string, string[]> = {
    'drop-all': ['action'],
    stall: ['action', 'seconds'],
    chaos: ['action', 'everySeconds'],
    calm: ['action'],
  };
  const action = fields.action;
  // Own keys only: an action named like an Object.prototype member ("__proto__", "toString") is unknown too.
  const keys = typeof action === 'string' && Object.hasOwn(allowed, action) ? allowed[action] : undefined;
  if (!keys) {
    throw LabErrors.BAD_FAULT(
      `"action" must be drop-all, stall, chaos or calm (got ${JSON.stringify(action) ?? 'nothing'})`,
    );
  }
  for (const key of Object.keys(fields)) {
    if (!keys.includes(key)) throw LabErrors.BAD_FAULT(`unknown field "${key}" for action "${action}"`);
  }
  switch (action) {
    case 'stall':
      return { action, seconds: seconds(fields.seconds, 'seconds', 0.001, MAX_STALL_SECONDS) };
    case 'chaos':
      return {
        action,
        everySeconds: seconds(fields.everySeconds, 'everySeconds', MIN_CHAOS_SECONDS, MAX_CHAOS_SECONDS),
      };
    case 'drop-all':
      return { action };
    default:
      return { action: 'calm' };
  }
}

function seconds(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw LabErrors.BAD_FAULT(
      `"${name}" must be a number of seconds from ${min} to ${max} (got ${JSON.stringify(value) ?? 'nothing'})`,
    );
  }
  return value;
}
