/**
 * `npm run bench -- --url`: the bench's clients against a running cluster
 * (two labs on one Redis behind nginx, lab-a generating), as a real process.
 * It prints each instance's CPU and fan-out, read past nginx at the address
 * the instance reports, and the front's processes (nginx) found by the
 * listening socket; it never targets anything but loopback, and leaves the
 * running lab's rate alone.
 */
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { type NginxProcess, startNginx } from '../cluster/nginx-process.ts';
import { type RedisServerProcess, startRedisServer } from '../cluster/redis-server-process.ts';
import { type RunningLab, startLab } from './support/lab-server.ts';
import { runScript } from './support/script-process.ts';
import { describeWithServices } from './support/services.ts';

vi.setConfig({ testTimeout: 90_000, hookTimeout: 60_000 });

describeWithServices('npm run bench -- --url against a cluster', ['redis-server', 'nginx'], () => {
  let redis: RedisServerProcess;
  let labs: RunningLab[] = [];
  let nginx: NginxProcess;

  beforeAll(async () => {
    redis = await startRedisServer();
    const shared = { redis: { url: redis.url, keyPrefix: 'bench-url:' }, ratePerSecond: 4 };
    labs = [
      await startLab({ ...shared, instanceName: 'lab-a', autostart: true }),
      await startLab({ ...shared, instanceName: 'lab-b' }),
    ];
    nginx = await startNginx(
      'correct',
      labs.map((lab) => lab.port),
    );
  });
  afterAll(async () => {
    await nginx?.stop();
    for (const lab of labs) await lab.close();
    await redis?.stop();
  });

  it('reports the clients’ latency and, per instance, CPU and fan-out, and the front’s CPU', async () => {
    const result = await runScript(
      'load/bench-cli.ts',
      ['--url', nginx.url, '--transports', 'websocket', '--clients', '40', '--duration', '4', '--workers', '1'],
      80_000,
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Bench against ${nginx.url}: 40 clients, the lab's 4 events/s`);
    const row = result.stdout.split('\n').find((line) => line.startsWith('websocket  '));
    // lost/dup 0/0, errors 0.
    expect(row).toMatch(/\s0\/0\s+0\s/);
    const perProcess = result.stdout.split('\n').find((line) => line.startsWith('websocket round 1:')) ?? '';
    // Both instances carried some of the 40 clients (hashed by client id), and the front is nginx.
    const listeners = [
      ...perProcess.matchAll(/(lab-[ab]) CPU [\d.]+ %, fan-out p50 [\d.]+ ms \(max [\d.]+\) to (\d+) listeners/g),
    ];
    expect(listeners.map((match) => match[1]).sort()).toEqual(['lab-a', 'lab-b']);
    expect(listeners.reduce((sum, match) => sum + Number(match[2]), 0)).toBe(40);
    expect(perProcess).toMatch(/nginx \d+ CPU [\d.]+ %/);
    // The running lab's rate is its own.
    expect(labs[0]?.app.feed.currentSettings.ratePerSecond).toBe(4);
  });

  it('refuses a URL that is not loopback, and --rate with --url, each with a code and a hint', async () => {
    const foreign = await runScript('load/bench-cli.ts', ['--url', 'http://192.0.2.1:3000']);
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toContain('error LAB_ERR_BAD_FLAG: --url must point at this machine');
    expect(foreign.stderr).toContain('hint: ');
    const rate = await runScript('load/bench-cli.ts', ['--url', nginx.url, '--rate', '10']);
    expect(rate.code).toBe(2);
    expect(rate.stderr).toContain('with --url the running lab keeps its own');
  });
});
