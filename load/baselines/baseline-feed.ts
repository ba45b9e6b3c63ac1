/**
 * What every baseline server shares, so each baseline file is only its
 * transport: `--port`, `--rate` and `--bytes` flags, a feed publishing
 * events shaped like the lab's (`{"epoch","seq","t","topic","data"}`, JSON
 * serialized once, `--bytes` long in all) at a steady `--rate`, the last
 * 10,000 of them for the polls, and the `running at URL` line the bench waits for.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';

export interface BaselineEvent {
  seq: number;
  /** The event's JSON, serialized once. */
  json: Buffer;
}

const { values } = parseArgs({
  options: { port: { type: 'string' }, rate: { type: 'string' }, bytes: { type: 'string' } },
});
/** Where to listen (default 0: any free port). */
export const port = Number(values.port ?? 0);
const rate = Number(values.rate ?? 10);
const bytes = Number(values.bytes ?? 150);
const epoch = randomBytes(6).toString('base64url');

/** The last 10,000 events, oldest first. */
export const events: BaselineEvent[] = [];
export const newestSeq = (): number => events.at(-1)?.seq ?? 0;

/** The events after `since`, as a poll answer body: `{"epoch","next","events":[…]}`. */
export function pollAnswer(since: number): string {
  // Seqs are consecutive, so the first event after `since` is found by subtraction.
  const after = events.slice(Math.max(0, since - (events[0]?.seq ?? 1) + 1));
  return `{"epoch":"${epoch}","next":${after.at(-1)?.seq ?? since},"events":[${after.map((e) => e.json).join(',')}]}`;
}

/** Publishes an event every 1/rate s (on a schedule, so timer drift does not lower the rate) and hands it to `send`. */
export function publishEvents(send: (event: BaselineEvent) => void): void {
  let seq = 0;
  let dueAt = performance.now();
  const fire = (): void => {
    seq++;
    const t = performance.timeOrigin + performance.now();
    const head = `{"epoch":"${epoch}","seq":${seq},"t":${t},"topic":"ticker.ACME","data":"`;
    const json = Buffer.from(`${head}${'x'.repeat(Math.max(1, bytes - head.length - 2))}"}`);
    const event = { seq, json };
    events.push(event);
    if (events.length > 10_000) events.shift();
    send(event);
    dueAt += 1000 / rate;
    setTimeout(fire, Math.max(0, dueAt - performance.now()));
  };
  setTimeout(fire, 1000 / rate);
}

/** The line the bench (server-process.ts) waits for. */
export function announce(address: AddressInfo | string | null): void {
  const bound = typeof address === 'object' && address ? address.port : port;
  console.log(`Baseline is running at http://127.0.0.1:${bound}/`);
}
