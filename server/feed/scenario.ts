/**
 * Scenario files (`scenarios/<id>.json`): what the feed simulates and what a
 * learner should notice. Validation is strict and hand-written so every
 * mistake in a file gets one message naming the file, the field and what was
 * expected; a typo must never silently fall back to a default.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PayloadKind, ScenarioInfo, ScenarioPattern } from '../../protocol/scenario-info.ts';
import { LabErrors } from '../errors.ts';

/** A scenario as the lab runs it: exactly what `GET /api/scenarios` lists. */
export type Scenario = ScenarioInfo;

/** Absolute path of the repository's `scenarios/` folder. */
export const SCENARIOS_DIR: string = resolve(dirname(fileURLToPath(import.meta.url)), '../../scenarios');

/** The scenario the lab starts with when none is chosen. */
export const DEFAULT_SCENARIO_ID = 'stock-ticker';

const REPO_ROOT = dirname(SCENARIOS_DIR);
const ID_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const PATTERNS: readonly ScenarioPattern[] = ['steady', 'poisson', 'bursty'];
const KINDS: readonly PayloadKind[] = ['ticker', 'chat', 'game-state', 'notification', 'snapshot', 'sensor'];
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const SCENARIO_KEYS = [
  'id',
  'title',
  'summary',
  'notice',
  'ratePerSecond',
  'pattern',
  'burstSize',
  'payload',
  'topics',
  'upstreamPerSecond',
] as const;
const SCENARIO_OPTIONAL: ReadonlySet<string> = new Set(['burstSize', 'upstreamPerSecond']);
const PAYLOAD_KEYS = ['kind', 'bytes', 'binary'] as const;
const PAYLOAD_OPTIONAL: ReadonlySet<string> = new Set(['binary']);
/** Scenario files are a few hundred bytes; refusing huge ones keeps a wrong path from eating memory. */
const MAX_FILE_BYTES = 1024 * 1024;

/**
 * Validates a parsed scenario file and returns a fresh Scenario (the input is
 * not kept). When `source` ends in `.json`, `id` must equal its base name.
 * @param source how to name the file in messages, e.g. "scenarios/foo.json".
 * @throws LAB_ERR_SCENARIO on the first problem found.
 */
export function parseScenario(json: unknown, source: string): Scenario {
  const at: Reporter = new Reporter(source);
  rejectForbiddenKeys(json, at);
  const raw = requireObject(json, at, '', SCENARIO_KEYS, SCENARIO_OPTIONAL);

  const id = requireString(raw, at, 'id', 64);
  if (!ID_PATTERN.test(id)) at.fail('id', 'a kebab-case id such as "stock-ticker" (a-z, 0-9 and single dashes)', id);
  if (source.endsWith('.json')) {
    const fileId = basename(source, '.json');
    if (id !== fileId) at.fail('id', `"${fileId}", the file name without .json`, id);
  }
  const title = requireString(raw, at, 'title', 100);
  const summary = requireString(raw, at, 'summary', 300);
  const notice = requireString(raw, at, 'notice', 2000);
  const ratePerSecond = requireNumber(raw, at, 'ratePerSecond', (n) => n > 0 && n <= 1000, 'a number > 0 and <= 1000');
  const pattern = requireOneOf(raw, at, 'pattern', PATTERNS);

  let burstSize: number | undefined;
  if (pattern === 'bursty') {
    burstSize = requireNumber(raw, at, 'burstSize', (n) => isIntIn(n, 2, 100), 'an integer from 2 to 100');
  } else if (raw.burstSize !== undefined) {
    at.fail(
      'burstSize',
      `no burstSize, because it only applies to pattern "bursty" (pattern is "${pattern}")`,
      raw.burstSize,
    );
  }

  const rawPayload = requireObject(raw.payload, at, 'payload', PAYLOAD_KEYS, PAYLOAD_OPTIONAL);
  const kind = requireOneOf(rawPayload, at, 'payload.kind', KINDS, 'kind');
  const bytes = requireNumber(
    rawPayload,
    at,
    'payload.bytes',
    (n) => isIntIn(n, 1, 1_048_576),
    'an integer from 1 to 1048576',
    'bytes',
  );
  const payload: Scenario['payload'] = { kind, bytes };
  if (rawPayload.binary !== undefined) {
    if (typeof rawPayload.binary !== 'boolean') at.fail('payload.binary', 'true or false', rawPayload.binary);
    // Only sensor data has a natural raw-bytes form; other kinds are JSON by nature.
    if (rawPayload.binary && kind !== 'sensor') at.fail('payload.binary', 'binary only with kind "sensor"', kind);
    payload.binary = rawPayload.binary;
  }

  const topics = requireTopics(raw.topics, at);

  let upstreamPerSecond = 0;
  if (raw.upstreamPerSecond !== undefined) {
    upstreamPerSecond = requireNumber(
      raw,
      at,
      'upstreamPerSecond',
      (n) => n >= 0 && n <= 100,
      'a number from 0 to 100',
    );
  }

  const scenario: Scenario = { id, title, summary, notice, ratePerSecond, pattern, payload, topics, upstreamPerSecond };
  if (burstSize !== undefined) scenario.burstSize = burstSize;
  return scenario;
}

/**
 * Loads one scenario by id (`<dir>/<id>.json`) or by path (anything containing
 * a slash or ending in `.json`; relative paths are relative to the working directory).
 * @param dir default SCENARIOS_DIR; used for ids only.
 * @throws LAB_ERR_SCENARIO for an unknown id, an unreadable file, bad JSON or a bad field.
 */
export function loadScenario(idOrPath: string, dir: string = SCENARIOS_DIR): Scenario {
  const isPath = idOrPath.includes('/') || idOrPath.includes(sep) || idOrPath.endsWith('.json');
  if (isPath) return readScenarioFile(resolve(idOrPath));
  const known = scenarioFileNames(dir).map((name) => basename(name, '.json'));
  if (!known.includes(idOrPath)) {
    const list = known.length > 0 ? known.join(', ') : '(none)';
    throw LabErrors.SCENARIO(
      `unknown scenario ${JSON.stringify(idOrPath)}; the known ids are ${list} (the files in ${displayPath(dir)}/)`,
    );
  }
  return readScenarioFile(join(dir, `${idOrPath}.json`));
}

/**
 * Every `*.json` in `dir`, sorted by id.
 * @param dir default SCENARIOS_DIR.
 * @throws LAB_ERR_SCENARIO on the first malformed file, so a broken file is never silently skipped.
 */
export function listScenarios(dir: string = SCENARIOS_DIR): Scenario[] {
  return scenarioFileNames(dir).map((name) => readScenarioFile(join(dir, name)));
}

/** File names (not paths) of the scenario files in `dir`, in id order. */
function scenarioFileNames(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    throw LabErrors.SCENARIO(`cannot read the scenario folder ${displayPath(dir)}: ${errorReason(error)}`);
  }
  // Plain code-unit order, not localeCompare, so the order is the same on every machine.
  return names.filter((name) => name.endsWith('.json')).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function readScenarioFile(path: string): Scenario {
  const shown = displayPath(path);
  let text: string;
  try {
    const size = statSync(path).size;
    if (size > MAX_FILE_BYTES) {
      throw LabErrors.SCENARIO(
        `${shown}: the file is ${size} bytes, more than a scenario file may be (${MAX_FILE_BYTES})`,
      );
    }
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (isScenarioError(error)) throw error;
    throw LabErrors.SCENARIO(`cannot read the scenario file ${shown}: ${errorReason(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw LabErrors.SCENARIO(`${shown}: not valid JSON: ${errorReason(error)}`);
  }
  return parseScenario(json, shown);
}

/** Inside the repository: relative ("scenarios/foo.json"), which reads well; elsewhere: absolute. */
function displayPath(path: string): string {
  const rel = relative(REPO_ROOT, path);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return path;
  return rel.split(sep).join('/');
}

function errorReason(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (code === 'ENOENT') return 'no such file or folder';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a folder, not a file';
  if (code === 'ENOTDIR') return 'not a folder';
  return error instanceof Error ? error.message : String(error);
}

function isScenarioError(error: unknown): boolean {
  return error instanceof Error && (error as { code?: unknown }).code === 'LAB_ERR_SCENARIO';
}

/** Builds the one message format every field error uses. */
class Reporter {
  constructor(readonly source: string) {}

  fail(field: string, expected: string, got: unknown): never {
    throw LabErrors.SCENARIO(`${this.source}: field "${field}": expected ${expected}, got ${describe(got)}`);
  }

  missing(field: string): never {
    throw LabErrors.SCENARIO(`${this.source}: field "${field}" is missing`);
  }

  unknown(field: string, allowed: readonly string[]): never {
    throw LabErrors.SCENARIO(
      `${this.source}: field "${field}" is not a scenario field (allowed: ${allowed.join(', ')})`,
    );
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * Walks the whole value without recursion (a deeply nested file must not
 * overflow the stack). JSON.parse keeps "__proto__" as an own key, so it is seen here.
 */
function rejectForbiddenKeys(json: unknown, at: Reporter): void {
  const stack: Array<{ value: unknown; path: string }> = [{ value: json, path: '' }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { value, path } = item;
    if (typeof value !== 'object' || value === null) continue;
    if (Array.isArray(value)) {
      value.forEach((element, index) => {
        stack.push({ value: element, path: `${path}[${index}]` });
      });
      continue;
    }
    for (const key of Object.keys(value)) {
      const field = path === '' ? key : `${path}.${key}`;
      if (FORBIDDEN_KEYS.has(key)) {
        throw LabErrors.SCENARIO(
          `${at.source}: field "${field}": the key "${key}" is not allowed anywhere, because it could poison object prototypes`,
        );
      }
      stack.push({ value: (value as Record<string, unknown>)[key], path: field });
    }
  }
}

function requireObject(
  value: unknown,
  at: Reporter,
  field: string,
  allowed: readonly string[],
  optional: ReadonlySet<string>,
): Record<string, unknown> {
  const prefix = field === '' ? '' : `${field}.`;
  if (value === undefined && field !== '') at.missing(field);
  const proto = typeof value === 'object' && value !== null ? Object.getPrototypeOf(value) : undefined;
  if (Array.isArray(value) || (proto !== Object.prototype && proto !== null)) {
    if (field === '') {
      throw LabErrors.SCENARIO(`${at.source}: expected a JSON object at the top level, got ${describe(value)}`);
    }
    at.fail(field, 'an object', value);
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!allowed.includes(key)) at.unknown(prefix + key, allowed);
  }
  for (const key of allowed) {
    if (record[key] === undefined && !optional.has(key)) at.missing(prefix + key);
  }
  return record;
}

function requireString(raw: Record<string, unknown>, at: Reporter, field: string, maxLength: number): string {
  const value = raw[field];
  if (typeof value !== 'string' || value.trim() === '' || value.length > maxLength) {
    at.fail(field, `a non-empty string of at most ${maxLength} characters`, value);
  }
  return value;
}

/** @param key the key in `raw` when `field` is a dotted path. */
function requireNumber(
  raw: Record<string, unknown>,
  at: Reporter,
  field: string,
  ok: (n: number) => boolean,
  expected: string,
  key: string = field,
): number {
  const value = raw[key];
  if (value === undefined) at.missing(field);
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) at.fail(field, expected, value);
  return value;
}

function requireOneOf<T extends string>(
  raw: Record<string, unknown>,
  at: Reporter,
  field: string,
  options: readonly T[],
  key: string = field,
): T {
  const value = raw[key];
  if (!(options as readonly unknown[]).includes(value)) {
    at.fail(field, `one of ${options.map((o) => `"${o}"`).join(', ')}`, value);
  }
  return value as T;
}

function requireTopics(value: unknown, at: Reporter): string[] {
  if (!Array.isArray(value) || value.length < 1 || value.length > 50) {
    at.fail('topics', 'an array of 1 to 50 topic names', value);
  }
  const topics: string[] = [];
  value.forEach((topic: unknown, index) => {
    if (typeof topic !== 'string' || topic.trim() === '' || topic.length > 100) {
      at.fail(`topics[${index}]`, 'a non-empty string of at most 100 characters', topic);
    }
    if (topics.includes(topic)) at.fail(`topics[${index}]`, 'a topic not listed before', topic);
    topics.push(topic);
  });
  return topics;
}

function isIntIn(n: number, min: number, max: number): boolean {
  return Number.isInteger(n) && n >= min && n <= max;
}
