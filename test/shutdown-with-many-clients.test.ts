/**
 * Stopping the lab must not hang: with 1,000 clients connected across the
 * transports, SIGTERM closes every WebSocket with 1001, ends every SSE stream,
 * answers every held long poll, and the process exits in under 2 s.
 */
import http from 'node:http';
import { expect, it } from 'vitest';
import WebSocket from 'ws';
import { startLabProcess } from './support/script-process.ts';

const PER_TRANSPORT = 250;

it('SIGTERM with 1,000 clients: WebSockets see 1001, streams end, polls are answered, exit < 2 s', async () => {
  const { child, url, exited } = await startLabProcess(['--port', '0', '--conditioner-port', 'off']);
  const agent = new http.Agent({ keepAlive: true, maxSockets: PER_TRANSPORT });
  try {
    const { next } = (await (await fetch(`${url}/api/feed/short-poll`)).json()) as { next: number };
    const port = Number(new URL(url).port);

    const webSockets = Array.from({ length: PER_TRANSPORT }, () => {
      const socket = new WebSocket(`${url.replace('http', 'ws')}/api/feed/websocket`);
      const code = new Promise<number>((resolve) => socket.on('close', (c) => resolve(c)));
      socket.on('error', () => {});
      const open = new Promise((resolve) => socket.once('open', resolve));
      return { code, open };
    });
    const streams = Array.from({ length: PER_TRANSPORT }, () => held(port, '/api/feed/sse', false));
    const polls = Array.from({ length: PER_TRANSPORT }, () =>
      held(port, `/api/feed/long-poll?since=${next + 100_000}`, false),
    );
    // Short-poll clients hold idle keep-alive connections between their polls.
    await Promise.all(
      Array.from({ length: PER_TRANSPORT }, () => held(port, '/api/feed/short-poll', true, agent).ended),
    );
    await Promise.all(webSockets.map((w) => w.open));
    await Promise.all(streams.map((s) => s.started));
    await new Promise((resolve) => setTimeout(resolve, 500)); // long polls have no head until answered: let them arrive

    const stoppedAt = Date.now();
    child.kill('SIGTERM');
    const code = await exited;
    const tookMs = Date.now() - stoppedAt;
    expect(code).toBe(0);
    expect(tookMs).toBeLessThan(2000);
    const codes = await Promise.all(webSockets.map((w) => w.code));
    expect(codes.filter((c) => c !== 1001)).toEqual([]);
    expect(await Promise.all(streams.map((s) => s.ended))).toEqual(streams.map(() => 'ended'));
    expect((await Promise.all(polls.map((p) => p.ended))).filter((r) => r !== 'answered 200')).toEqual([]);
    console.log(`[shutdown] 1,000 clients: exited with ${code} in ${tookMs} ms`);
  } finally {
    agent.destroy();
    child.kill('SIGKILL');
  }
}, 90_000);

/**
 * A request whose answer may take long: `started` when the head arrives; `ended` says how it ended:
 * `answered 200` (a complete answer), `ended` (a stream closed), or `error`.
 */
function held(port: number, path: string, keepAlive: boolean, agent?: http.Agent) {
  let markStarted: () => void = () => {};
  const started = new Promise<void>((resolve) => {
    markStarted = resolve;
  });
  const ended = new Promise<string>((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: keepAlive ? agent : false }, (res) => {
      markStarted();
      res.resume();
      res.on('end', () => resolve(path.includes('long-poll') ? `answered ${res.statusCode}` : 'ended'));
      res.on('close', () => resolve('ended'));
    });
    req.on('error', () => resolve('error'));
  });
  return { started: path.includes('long-poll') ? Promise.resolve() : started, ended };
}
