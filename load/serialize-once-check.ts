/**
 * Serialize-once fan-out, shown by counting: a lab in this process with N
 * WebSocket and N SSE clients connected publishes K events while every call
 * of `JSON.stringify` is counted. Serializing per client would make N×K×2
 * calls; the lab makes K (one per event, when it is published).
 */
import { get } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { buildApp } from '../server/app.ts';

export interface SerializeOnceResult {
  /** Clients per transport (WebSocket and SSE each). */
  clients: number;
  events: number;
  /** Event deliveries the clients saw (should be clients × 2 × events). */
  deliveries: number;
  /** JSON.stringify calls in the lab's process while the events were published and fanned out. */
  stringifyCalls: number;
  /** What re-serializing per delivery would have cost in calls. */
  perDeliveryWouldBe: number;
}

/**
 * @param clients=100 WebSocket clients and as many SSE clients
 * @param events=20 events published
 */
export async function checkSerializeOnce(clients = 100, events = 20): Promise<SerializeOnceResult> {
  const app = await buildApp({ autostart: false, seed: 1 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  let deliveries = 0;
  const closers: Array<() => void> = [];
  try {
    const opened: Promise<void>[] = [];
    for (let i = 0; i < clients; i++) {
      const socket = new WebSocket(`ws://127.0.0.1:${port}/api/feed/websocket?client=once-ws-${i}`);
      closers.push(() => socket.terminate());
      opened.push(
        new Promise((resolve, reject) => {
          socket.once('message', () => resolve()); // the hello
          socket.once('error', reject);
        }),
      );
      socket.on('message', (data: Buffer) => {
        if (!data.toString().startsWith('{"type"')) deliveries++;
      });
      opened.push(
        new Promise((resolve, reject) => {
          const request = get(`http://127.0.0.1:${port}/api/feed/sse?client=once-sse-${i}`, (response) => {
            // The whole stream so far: an event's text may be split across reads.
            let stream = '';
            let counted = 0;
            response.on('data', (chunk: Buffer) => {
              stream += chunk.toString();
              if (stream.includes('event: hello')) resolve();
              const seen = stream.split('\ndata: {"epoch"').length - 1;
              deliveries += seen - counted;
              counted = seen;
            });
          });
          request.once('error', reject);
          closers.push(() => request.destroy());
        }),
      );
    }
    await Promise.all(opened);

    const original = JSON.stringify;
    let stringifyCalls = 0;
    JSON.stringify = ((...args: Parameters<typeof JSON.stringify>) => {
      stringifyCalls++;
      return original(...args);
    }) as typeof JSON.stringify;
    try {
      for (let i = 0; i < events; i++)
        app.feed.publish({ topic: 'once', data: { i, text: 'the same bytes for everyone' } });
      const expected = clients * 2 * events;
      const deadline = Date.now() + 10_000;
      while (deliveries < expected && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    } finally {
      JSON.stringify = original;
    }
    return { clients, events, deliveries, stringifyCalls, perDeliveryWouldBe: clients * 2 * events };
  } finally {
    for (const close of closers) close();
    await app.close();
  }
}
