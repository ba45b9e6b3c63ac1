import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_SCENARIO_ID,
  listScenarios,
  loadScenario,
  parseScenario,
  SCENARIOS_DIR,
} from '../server/feed/scenario.ts';

const REQUIRED_IDS = [
  'stock-ticker',
  'chat-room',
  'multiplayer-game',
  'rare-notifications',
  'large-snapshot',
  'binary-sensor',
];

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lab-scenarios-'));
  tempDirs.push(dir);
  return dir;
}

/** A valid scenario object; tests break one thing at a time. */
function valid(id: string): Record<string, unknown> {
  return {
    id,
    title: 'Test',
    summary: 'A scenario for tests.',
    notice: 'Nothing to notice. Really.',
    ratePerSecond: 5,
    pattern: 'steady',
    payload: { kind: 'ticker', bytes: 100 },
    topics: ['ticker.TEST'],
  };
}

/** Writes `<dir>/<name>.json` and returns its path. */
function writeScenario(dir: string, name: string, content: unknown): string {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

function expectScenarioError(run: () => unknown, ...parts: string[]): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught, 'expected an error').toBeInstanceOf(Error);
  expect((caught as { code?: unknown }).code).toBe('LAB_ERR_SCENARIO');
  for (const part of parts) expect((caught as Error).message).toContain(part);
}

describe('the scenario files in scenarios/', () => {
  const fileIds = readdirSync(SCENARIOS_DIR)
    .filter((name) => name.endsWith('.json'))
    .map((name) => name.slice(0, -'.json'.length))
    .sort();

  it('all parse, one scenario per file, sorted by id', () => {
    const scenarios = listScenarios();
    expect(scenarios.map((s) => s.id)).toEqual(fileIds);
    expect(scenarios.length).toBeGreaterThanOrEqual(REQUIRED_IDS.length);
  });

  it.each(REQUIRED_IDS)('include %s', (id) => {
    expect(fileIds).toContain(id);
    expect(loadScenario(id).id).toBe(id);
  });

  it('include the default scenario', () => {
    expect(loadScenario(DEFAULT_SCENARIO_ID).id).toBe('stock-ticker');
  });

  it('carry a teaching text of 2 to 5 sentences', () => {
    for (const scenario of listScenarios()) {
      const sentences = scenario.notice.split(/[.!?](?:\s|$)/).filter((s) => s.trim() !== '');
      expect(sentences.length, scenario.id).toBeGreaterThanOrEqual(2);
      expect(sentences.length, scenario.id).toBeLessThanOrEqual(5);
    }
  });

  it('match what each scenario is for', () => {
    const byId = new Map(listScenarios().map((s) => [s.id, s]));
    expect(byId.get('chat-room')?.pattern).toBe('bursty');
    expect(byId.get('chat-room')?.upstreamPerSecond).toBeGreaterThan(0);
    expect(byId.get('multiplayer-game')?.ratePerSecond).toBe(30);
    expect(byId.get('rare-notifications')?.pattern).toBe('poisson');
    expect(byId.get('large-snapshot')?.payload.bytes).toBeGreaterThanOrEqual(100_000);
    expect(byId.get('binary-sensor')?.payload.binary).toBe(true);
    expect(byId.get('stock-ticker')?.topics.every((t) => t.startsWith('ticker.'))).toBe(true);
  });
});

describe('loadScenario', () => {
  it('accepts a path as well as an id', () => {
    const absolute = join(SCENARIOS_DIR, 'chat-room.json');
    expect(loadScenario(absolute).id).toBe('chat-room');
    expect(loadScenario(relative(process.cwd(), absolute)).id).toBe('chat-room');
  });

  it('names the known ids when the id is unknown', () => {
    expectScenarioError(() => loadScenario('no-such-scenario'), '"no-such-scenario"', 'stock-ticker', 'chat-room');
  });

  it('does not let an id escape the folder', () => {
    expectScenarioError(() => loadScenario('..'), 'unknown scenario');
  });

  it('says when the file cannot be read', () => {
    const path = join(tempDir(), 'missing.json');
    expectScenarioError(() => loadScenario(path), 'cannot read', path);
  });

  it('says when the file is not JSON', () => {
    const path = writeScenario(tempDir(), 'broken', '{"id": "broken",');
    expectScenarioError(() => loadScenario(path), path, 'not valid JSON');
  });
});

describe('listScenarios', () => {
  it('throws on the first malformed file instead of skipping it', () => {
    const dir = tempDir();
    writeScenario(dir, 'a-good', valid('a-good'));
    const bad = writeScenario(dir, 'b-bad', { ...valid('b-bad'), pattern: 'sometimes' });
    expectScenarioError(() => listScenarios(dir), bad, 'field "pattern"');
  });

  it('loads ids from another folder', () => {
    const dir = tempDir();
    writeScenario(dir, 'zeta', valid('zeta'));
    writeScenario(dir, 'alpha', valid('alpha'));
    expect(listScenarios(dir).map((s) => s.id)).toEqual(['alpha', 'zeta']);
    expect(loadScenario('zeta', dir).id).toBe('zeta');
  });
});

describe('a malformed scenario file', () => {
  const dir = tempDir();

  /** Each case: a name, how to break the valid scenario, and what the message must contain. */
  const cases: Array<[string, (s: Record<string, unknown>) => void, string[]]> = [
    ['wrong type', (s) => (s.ratePerSecond = 'fast'), ['field "ratePerSecond"', 'expected a number', 'got "fast"']],
    ['out of range', (s) => (s.ratePerSecond = 5000), ['field "ratePerSecond"', '<= 1000', 'got 5000']],
    ['nested out of range', (s) => (s.payload = { kind: 'chat', bytes: 0 }), ['field "payload.bytes"', 'got 0']],
    ['non-integer bytes', (s) => (s.payload = { kind: 'chat', bytes: 1.5 }), ['field "payload.bytes"', 'integer']],
    ['unknown pattern', (s) => (s.pattern = 'sometimes'), ['field "pattern"', '"bursty"', 'got "sometimes"']],
    ['unknown kind', (s) => (s.payload = { kind: 'video', bytes: 10 }), ['field "payload.kind"', 'got "video"']],
    ['unknown key', (s) => (s.colour = 'red'), ['field "colour"', 'allowed']],
    ['unknown nested key', (s) => (s.payload = { kind: 'chat', bytes: 10, size: 3 }), ['field "payload.size"']],
    ['missing key', (s) => delete s.title, ['field "title"', 'missing']],
    ['missing nested key', (s) => (s.payload = { bytes: 10 }), ['field "payload.kind"', 'missing']],
    ['missing payload', (s) => delete s.payload, ['field "payload"', 'missing']],
    ['empty string', (s) => (s.summary = '  '), ['field "summary"', 'non-empty string']],
    ['id not kebab-case', (s) => (s.id = 'Not_Kebab'), ['field "id"', 'kebab-case']],
    ['bursty without burstSize', (s) => (s.pattern = 'bursty'), ['field "burstSize"', 'missing']],
    [
      'burstSize out of range',
      (s) => Object.assign(s, { pattern: 'bursty', burstSize: 1 }),
      ['field "burstSize"', '2 to 100'],
    ],
    ['burstSize without bursty', (s) => (s.burstSize = 5), ['field "burstSize"', 'only applies']],
    ['binary non-sensor', (s) => (s.payload = { kind: 'chat', bytes: 10, binary: true }), ['field "payload.binary"']],
    [
      'binary not boolean',
      (s) => (s.payload = { kind: 'sensor', bytes: 10, binary: 'yes' }),
      ['field "payload.binary"'],
    ],
    ['no topics', (s) => (s.topics = []), ['field "topics"', '1 to 50']],
    ['empty topic', (s) => (s.topics = ['a', '']), ['field "topics[1]"']],
    ['duplicate topic', (s) => (s.topics = ['a', 'a']), ['field "topics[1]"', 'not listed before']],
    ['upstream out of range', (s) => (s.upstreamPerSecond = -1), ['field "upstreamPerSecond"', 'got -1']],
  ];

  it.each(cases)('%s: LAB_ERR_SCENARIO naming the file and the field', (name, breakIt, parts) => {
    const id = name.replace(/[^a-z]+/g, '-');
    const scenario = valid(id);
    breakIt(scenario);
    const path = writeScenario(dir, id, scenario);
    expectScenarioError(() => loadScenario(path), path, ...parts);
  });

  it('id not equal to the file name', () => {
    const path = writeScenario(dir, 'bar', valid('foo'));
    expectScenarioError(() => loadScenario(path), path, 'field "id"', '"bar"', 'got "foo"');
  });

  it('a top-level array', () => {
    const path = writeScenario(dir, 'array', [valid('array')]);
    expectScenarioError(() => loadScenario(path), path, 'JSON object');
  });

  it.each([
    ['__proto__', '"__proto__": {"polluted": true}, "id": "proto-top"', 'proto-top', 'field "__proto__"'],
    [
      'nested __proto__',
      '"id": "proto-nested", "payload": {"kind": "chat", "bytes": 9, "__proto__": {}}',
      'proto-nested',
      'field "payload.__proto__"',
    ],
    ['constructor', '"constructor": {"prototype": {}}, "id": "ctor"', 'ctor', 'field "constructor"'],
    [
      'prototype in an array',
      '"id": "in-array", "topics": ["a", {"prototype": 1}]',
      'in-array',
      'field "topics[1].prototype"',
    ],
  ])('a %s key is refused', (_name, fields, fileId, field) => {
    // Raw text, because a JS object literal would turn "__proto__" into a prototype instead of a key.
    const rest = JSON.stringify({ title: 'T', summary: 'S', notice: 'N.', ratePerSecond: 1, pattern: 'steady' }).slice(
      1,
      -1,
    );
    const path = writeScenario(dir, fileId, `{${fields}, ${rest}}`);
    expectScenarioError(() => loadScenario(path), path, field, 'not allowed');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('parseScenario', () => {
  it('words its message as file: field: expected, got', () => {
    expectScenarioError(
      () => parseScenario({ ...valid('foo'), ratePerSecond: 'fast' }, 'scenarios/foo.json'),
      'scenarios/foo.json: field "ratePerSecond": expected a number > 0 and <= 1000, got "fast"',
    );
  });

  it('fills the upstream default and returns a fresh object', () => {
    const input = valid('fresh');
    const parsed = parseScenario(input, 'fresh.json');
    expect(parsed.upstreamPerSecond).toBe(0);
    expect(parsed).not.toBe(input);
    expect(parsed.payload).not.toBe(input.payload);
    expect(parsed.burstSize).toBeUndefined();
  });

  it('keeps burstSize for bursty scenarios', () => {
    const parsed = parseScenario({ ...valid('b'), pattern: 'bursty', burstSize: 4 }, 'b.json');
    expect(parsed.burstSize).toBe(4);
  });

  it('refuses an object whose prototype was replaced', () => {
    const sneaky = Object.assign(Object.create({ polluted: true }) as object, valid('sneaky'));
    expectScenarioError(() => parseScenario(sneaky, 'sneaky.json'), 'sneaky.json', 'JSON object');
  });
});
