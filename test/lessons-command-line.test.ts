/**
 * `npm run lessons` as a real process against real labs: its own seeded lab,
 * or a running one at --url whose feed and network it puts back afterwards.
 * The verdicts are checked against the numbers the same run reported, never
 * against a verdict written down here. Bad flags exit 2 with a coded error.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LessonsJson } from '../cli/lessons-table.ts';
import type { FeedStatus } from '../protocol/lab-status.ts';
import { loadScenario } from '../server/feed/scenario.ts';
import { startLab } from './support/lab-server.ts';
import { runScript } from './support/script-process.ts';

type LessonJson = LessonsJson['lessons'][number];
const QUICK = ['websocket-upgrade-same-connection', 'long-poll-header-once', 'sse-no-binary'];

function byId(json: LessonsJson, id: string): LessonJson {
  const lesson = json.lessons.find((l) => l.id === id);
  if (!lesson) throw new Error(`${id} missing from the output`);
  return lesson;
}

describe('npm run lessons -- --only … --json', () => {
  const folder = mkdtempSync(join(tmpdir(), 'lessons-test-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('prints every asked lesson with a verdict that agrees with its own numbers, and writes the Markdown', async () => {
    const markdown = join(folder, 'lessons.md');
    const result = await runScript(
      'cli/lessons.ts',
      ['--only', QUICK.join(','), '--json', '--markdown', markdown],
      60_000,
    );
    expect(result.stderr).not.toMatch(/error LAB_ERR/);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as LessonsJson;
    expect(json.lessons.map((l) => l.id)).toEqual(QUICK);
    for (const lesson of json.lessons) {
      expect(['holds', 'holds-if', 'does-not-hold']).toContain(lesson.verdict);
      expect(lesson.claim.length).toBeGreaterThan(0);
      expect(lesson.conditions.length).toBeGreaterThan(0);
      expect(Object.keys(lesson.measured).length).toBeGreaterThan(0);
      expect(typeof lesson.theory).toBe('object');
    }

    const upgrade = byId(json, 'websocket-upgrade-same-connection').measured;
    const upgradeHolds =
      upgrade.requests === 1 && upgrade.connections === 1 && String(upgrade.statusLine).startsWith('HTTP/1.1 101');
    expect(byId(json, 'websocket-upgrade-same-connection').verdict).toBe(upgradeHolds ? 'holds' : 'does-not-hold');
    expect(upgrade.frames).toBeGreaterThan(0);

    const longPoll = byId(json, 'long-poll-header-once').measured;
    expect(byId(json, 'long-poll-header-once').verdict).toBe(
      (longPoll.requests as number) <= 1 ? 'holds' : 'does-not-hold',
    );
    expect(longPoll.headerBytesPerEvent).toBeCloseTo((longPoll.headerBytes as number) / (longPoll.events as number), 0);

    const binary = byId(json, 'sse-no-binary').measured;
    const binaryHolds = binary.sseUsesBase64 === true && (binary.sseExtraPercent as number) >= 10;
    expect(byId(json, 'sse-no-binary').verdict).toBe(binaryHolds ? 'holds' : 'does-not-hold');
    expect(binary.sseEventBytes as number).toBeGreaterThan(binary.websocketEventBytes as number);

    const text = readFileSync(markdown, 'utf8');
    for (const lesson of json.lessons) expect(text).toContain(`## Lesson: ${lesson.claim}`);
  }, 70_000);

  it('--url runs against a running lab and puts its scenario, rate and network back', async () => {
    const lab = await startLab({
      autostart: true,
      scenario: loadScenario('chat-room'),
      ratePerSecond: 3,
      conditionerPort: 0,
      network: 'lan',
    });
    try {
      await lab.app.conditioner.ready();
      const result = await runScript(
        'cli/lessons.ts',
        ['--only', 'websocket-upgrade-same-connection,long-poll-header-once', '--json', '--url', lab.url],
        60_000,
      );
      expect(result.stderr).not.toMatch(/error LAB_ERR/);
      expect(result.code).toBe(0);
      const json = JSON.parse(result.stdout) as LessonsJson;
      expect(json.lessons.map((l) => l.verdict)).not.toContain(null);
      const status = (await (await fetch(`${lab.url}/api/feed/status`)).json()) as FeedStatus;
      expect(status).toMatchObject({ scenario: 'chat-room', ratePerSecond: 3, running: true });
      const network = (await (await fetch(`${lab.url}/api/network`)).json()) as { profile: string };
      expect(network.profile).toBe('lan');
    } finally {
      await lab.close();
    }
  }, 70_000);
});

describe('a lesson that shapes the network, against a lab without a conditioner', () => {
  it('gives no verdict, says why, and still puts the feed back', async () => {
    const lab = await startLab({ autostart: true, scenario: loadScenario('chat-room'), conditionerPort: null });
    try {
      const result = await runScript(
        'cli/lessons.ts',
        ['--only', 'long-poll-header-once', '--json', '--url', lab.url],
        30_000,
      );
      expect(result.code).toBe(0);
      const [lesson] = (JSON.parse(result.stdout) as LessonsJson).lessons;
      expect(lesson?.verdict).toBeNull();
      expect(lesson?.unavailable?.reason).toContain('runs no network conditioner');
      const status = (await (await fetch(`${lab.url}/api/feed/status`)).json()) as FeedStatus;
      expect(status.scenario).toBe('chat-room');
    } finally {
      await lab.close();
    }
  }, 35_000);
});

describe('a lesson that needs a browser it cannot start', () => {
  it('gives no verdict and says why, with the install hint (never a made-up verdict)', async () => {
    // A binary that is not a browser: the launch fails as a missing or broken Chromium would.
    const before = process.env.CHROMIUM_PATH;
    process.env.CHROMIUM_PATH = '/bin/false';
    try {
      const result = await runScript('cli/lessons.ts', ['--only', 'six-connections-per-origin'], 30_000);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('six-connections-per-origin: no verdict');
      expect(result.stdout).toContain('did not start');
      expect(result.stdout).toContain('hint: install Chromium (`apt-get install chromium`');
      expect(result.stdout).not.toMatch(/six-connections-per-origin: (holds|does-not-hold)/);
    } finally {
      if (before === undefined) delete process.env.CHROMIUM_PATH;
      else process.env.CHROMIUM_PATH = before;
    }
  }, 35_000);
});

describe('npm run lessons bad flags', () => {
  it.each([
    [['--only', 'no-such-lesson'], /--only: unknown lesson "no-such-lesson"/],
    [['--only', ','], /--only needs lesson ids/],
    [['--url', 'http://example.com:3000'], /--url must point at this machine/],
    [['--url', 'not a url'], /--url must be a URL/],
    [['--seed', 'abc'], /--seed must be a whole number/],
    [['--bogus'], /unknown option '--bogus'/i],
  ])(
    '%j exits 2 with a coded error and a hint',
    async (args, message) => {
      const result = await runScript('cli/lessons.ts', args, 20_000);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^error LAB_ERR_BAD_FLAG: /);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toContain('hint: ');
    },
    25_000,
  );

  it('--help lists the lessons and exits 0', async () => {
    const result = await runScript('cli/lessons.ts', ['--help'], 20_000);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: npm run lessons');
    expect(result.stdout).toContain('tcp-delivers-in-order');
  }, 25_000);
});
