/**
 * The conditioner's default port (the lab's + 1, e.g. 3001) is one other dev
 * servers like. When it is taken, `npm start` takes a free port instead and
 * says so, rather than exit with LAB_ERR_LISTEN; a port asked for explicitly
 * (`--conditioner-port`) still fails when taken.
 */
import net from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../server/app.ts';
import { waitFor } from './support/lab-server.ts';
import { runScript, startLabProcess } from './support/script-process.ts';

let blocker: net.Server;
let taken: number;

/** Whether `port` can be bound on loopback right now. */
async function isFree(port: number): Promise<boolean> {
  const probe = net.createServer();
  return new Promise((resolve) => {
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

// A taken port whose neighbour below is free: the lab listens there, and its default conditioner port is the taken one.
beforeAll(async () => {
  for (let attempt = 0; attempt < 20; attempt++) {
    blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    taken = (blocker.address() as net.AddressInfo).port;
    if (await isFree(taken - 1)) return;
    await new Promise((resolve) => blocker.close(resolve));
  }
  throw new Error('found no taken port with a free one below it in 20 tries');
});
afterAll(async () => {
  await new Promise((resolve) => blocker.close(resolve));
});

it('a taken port with the fallback: the conditioner listens on another, and says which was taken', async () => {
  const app = await buildApp({ autostart: false, conditionerPort: taken, conditionerPortFallback: true });
  try {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = await app.conditioner.ready();
    expect(port).not.toBeNull();
    expect(port).not.toBe(taken);
    expect(app.conditioner.portTakenInstead).toBe(taken);
    // It does carry traffic to the lab.
    const answer = await fetch(`http://127.0.0.1:${port}/api/feed/status`);
    expect(answer.status).toBe(200);
  } finally {
    await app.close();
  }
});

it('a taken port without the fallback still fails with EADDRINUSE', async () => {
  const app = await buildApp({ autostart: false, conditionerPort: taken });
  try {
    await app.listen({ port: 0, host: '127.0.0.1' });
    await expect(app.conditioner.ready()).rejects.toMatchObject({ code: 'EADDRINUSE' });
  } finally {
    await app.close();
  }
});

it('npm start: the lab’s port + 1 taken → a free conditioner port, printed', async () => {
  const labPort = taken - 1;
  const { child, url, exited, output } = await startLabProcess(['--port', String(labPort)]);
  try {
    expect(url).toBe(`http://127.0.0.1:${labPort}`);
    await waitFor(() => output().includes('Ctrl-C stops it'), 5000, 'the start lines');
    const printed = /network conditioner at http:\/\/127\.0\.0\.1:(\d+)\//.exec(output());
    const port = Number(printed?.[1]);
    expect(port).toBeGreaterThan(0);
    expect(port).not.toBe(taken);
    expect(output()).toContain(`port ${taken} was taken, so the conditioner uses ${port}`);
    expect((await fetch(`http://127.0.0.1:${port}/api/feed/status`)).status).toBe(200);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}, 30_000);

it('npm start --conditioner-port <taken>: still LAB_ERR_LISTEN', async () => {
  const result = await runScript('server/main.ts', ['--port', '0', '--conditioner-port', String(taken)]);
  expect(result.code).toBe(2);
  expect(result.stderr).toContain('LAB_ERR_LISTEN');
}, 30_000);
