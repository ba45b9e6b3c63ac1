/**
 * Turns a scenario into an endless, seeded stream of events: when each one is
 * due and what it carries. Deterministic (same scenario + seed ⇒ same delays
 * and bodies) so runs can be repeated and compared. Generated text is ASCII
 * only, so a JSON string's length equals its UTF-8 byte count and sizes can be
 * computed without encoding.
 */
import { LabErrors } from '../errors.ts';
import type { Scenario } from './scenario.ts';
import { createSeededRandom, type SeededRandom } from './seeded-random.ts';

export type GeneratedBody =
  | { topic: string; data: unknown } // JSON data
  | { topic: string; binary: Uint8Array }; // binary scenarios: exactly payload bytes long

export interface GeneratorSettings {
  /** Seed of the PRNG; only its low 32 bits count. */
  seed: number;
  /** Overrides scenario.ratePerSecond: mean events/s, > 0 and <= 1000. */
  ratePerSecond?: number;
  /** Overrides scenario.payload.bytes: integer 1..1_048_576. */
  payloadBytes?: number;
}

export interface ScenarioGenerator {
  /** The next event and how long to wait before it (ms, >= 0; 0 inside a burst). */
  next(): { delayMs: number; body: GeneratedBody };
}

type BodyMaker = () => GeneratedBody;

/**
 * @throws LAB_ERR_SCENARIO when an override is out of range or a bursty scenario has no burstSize.
 */
export function createScenarioGenerator(scenario: Scenario, settings: GeneratorSettings): ScenarioGenerator {
  if (!Number.isFinite(settings.seed)) throw settingError('seed', 'a finite number', settings.seed);
  const rate = settings.ratePerSecond ?? scenario.ratePerSecond;
  if (!(Number.isFinite(rate) && rate > 0 && rate <= 1000)) {
    throw settingError('ratePerSecond', 'a number > 0 and <= 1000', rate);
  }
  const bytes = settings.payloadBytes ?? scenario.payload.bytes;
  if (!(Number.isInteger(bytes) && bytes >= 1 && bytes <= 1_048_576)) {
    throw settingError('payloadBytes', 'an integer from 1 to 1048576', bytes);
  }
  // Separate streams for timing and data, so changing the rate keeps the same data sequence.
  const timingRandom = createSeededRandom(settings.seed);
  const dataRandom = createSeededRandom(settings.seed ^ 0x9e3779b9);
  const nextDelay = delayModel(scenario, rate, timingRandom);
  const nextBody = bodyMaker(scenario, bytes, dataRandom);
  return { next: () => ({ delayMs: nextDelay(), body: nextBody() }) };
}

function settingError(field: string, expected: string, got: unknown): Error {
  return LabErrors.SCENARIO(
    `generator setting "${field}": expected ${expected}, got ${JSON.stringify(got) ?? String(got)}`,
  );
}

/** Each model's mean delay is exactly 1000/rate ms. */
function delayModel(scenario: Scenario, rate: number, random: SeededRandom): () => number {
  const meanMs = 1000 / rate;
  switch (scenario.pattern) {
    case 'steady':
      return () => meanMs;
    case 'poisson':
      // Exponential gaps; 1 - u is in (0, 1], so the log is finite.
      return () => -Math.log(1 - random.float()) * meanMs;
    case 'bursty': {
      const size = scenario.burstSize;
      if (size === undefined || !Number.isInteger(size) || size < 2) {
        throw LabErrors.SCENARIO(
          `scenario "${scenario.id}": field "burstSize": expected an integer from 2 to 100 for pattern "bursty", got ${size}`,
        );
      }
      // Uniform 0.5–1.5 jitter (mean 1) makes bursts irregular without the wide spread of exponential gaps.
      const burstGapMs = meanMs * size;
      let leftInBurst = 0;
      return () => {
        if (leftInBurst > 0) {
          leftInBurst -= 1;
          return 0;
        }
        leftInBurst = size - 1;
        return burstGapMs * random.between(0.5, 1.5);
      };
    }
  }
}

function bodyMaker(scenario: Scenario, bytes: number, random: SeededRandom): BodyMaker {
  const { topics } = scenario;
  const kind = scenario.payload.kind;
  if (scenario.payload.binary) return sensorBinary(topics, bytes, random);
  switch (kind) {
    case 'ticker':
      return ticker(topics, bytes, random);
    case 'chat':
      return chat(topics, bytes, random);
    case 'game-state':
      return gameState(topics, bytes, random);
    case 'notification':
      return notification(topics, bytes, random);
    case 'snapshot':
      return snapshot(topics, bytes, random);
    case 'sensor':
      return sensorJson(topics, bytes, random);
  }
}

// ---------------------------------------------------------------- kinds

function ticker(topics: string[], bytes: number, random: SeededRandom): BodyMaker {
  const prices = topics.map(() => round2(random.between(20, 500)));
  return () => {
    const index = random.int(topics.length);
    const topic = topics[index] as string;
    const before = prices[index] as number;
    // A small multiplicative random walk: moves of up to ±0.2% per tick, like a quiet market.
    const price = Math.max(0.01, round2(before * (1 + random.between(-0.002, 0.002))));
    prices[index] = price;
    const data = { symbol: lastSegment(topic).toUpperCase(), price, change: round2(price - before) };
    return { topic, data: padWithField(data, 'news', bytes, (n) => HEADLINES.take(random, n)) };
  };
}

function chat(topics: string[], bytes: number, random: SeededRandom): BodyMaker {
  return () => {
    const topic = random.pick(topics);
    const user = random.pick(USERS);
    const base = jsonLength({ user, text: '' });
    return { topic, data: { user, text: CHAT_LINES.take(random, Math.max(1, bytes - base)) } };
  };
}

const PLAYERS_PER_TOPIC = 8;
const ARENA_SIZE = 1000;

interface Player {
  x: number;
  y: number;
  vx: number;
  vy: number;
}

function gameState(topics: string[], bytes: number, random: SeededRandom): BodyMaker {
  const newPlayer = (): Player => ({
    x: random.between(0, ARENA_SIZE),
    y: random.between(0, ARENA_SIZE),
    vx: random.between(-5, 5),
    vy: random.between(-5, 5),
  });
  const arenas = topics.map(() => Array.from({ length: PLAYERS_PER_TOPIC }, newPlayer));
  return () => {
    const index = random.int(topics.length);
    const playerIndex = random.int(PLAYERS_PER_TOPIC);
    const p = arenas[index]?.[playerIndex] as Player;
    if (random.float() < 0.1) {
      p.vx = random.between(-5, 5);
      p.vy = random.between(-5, 5);
    }
    p.x += p.vx;
    p.y += p.vy;
    // Bounce off the walls so players stay on the map.
    if (p.x < 0 || p.x > ARENA_SIZE) {
      p.vx = -p.vx;
      p.x = clamp(p.x, 0, ARENA_SIZE);
    }
    if (p.y < 0 || p.y > ARENA_SIZE) {
      p.vy = -p.vy;
      p.y = clamp(p.y, 0, ARENA_SIZE);
    }
    // Short keys, as real games use: at 30 updates a second every byte repeats 30 times.
    const data = { p: playerIndex + 1, x: Math.round(p.x), y: Math.round(p.y) };
    const padded = padWithField(data, 'status', bytes, (n) => GAME_STATUS.take(random, n));
    return { topic: topics[index] as string, data: padded };
  };
}

function notification(topics: string[], bytes: number, random: SeededRandom): BodyMaker {
  return () => {
    const topic = random.pick(topics);
    const title = random.pick(NOTIFICATION_TITLES);
    const base = jsonLength({ title, body: '' });
    return { topic, data: { title, body: NOTIFICATION_BODIES.take(random, Math.max(1, bytes - base)) } };
  };
}

/** Length of a row's JSON without its values; values are ASCII numbers and a fixed-width sku. */
const ROW_SKELETON = '{"id":,"sku":"","stock":,"price":}'.length;

function snapshot(topics: string[], bytes: number, random: SeededRandom): BodyMaker {
  let version = 0;
  return () => {
    const topic = random.pick(topics);
    version += 1;
    const rows: Array<{ id: number; sku: string; stock: number; price: number }> = [];
    // Sizes are summed by hand: stringifying a 100 KB object per row added would be quadratic.
    let size = jsonLength({ version, note: '', rows: [] });
    for (let id = 1; ; id++) {
      const row = {
        id,
        sku: `SKU-${String(id).padStart(5, '0')}`,
        stock: random.int(1000),
        price: round2(random.between(1, 500)),
      };
      const rowSize =
        ROW_SKELETON + String(row.id).length + row.sku.length + String(row.stock).length + String(row.price).length;
      const added = rows.length === 0 ? rowSize : rowSize + 1; // the comma
      if (rows.length > 0 && size + added > bytes) break; // one row is the natural minimum
      rows.push(row);
      size += added;
    }
    const note = SNAPSHOT_NOTES.take(random, bytes - size);
    return { topic, data: { version, note, rows } };
  };
}

function sensorJson(topics: string[], bytes: number, random: SeededRandom): BodyMaker {
  const waves = topics.map(() => ({ seq: 0, phase: random.between(0, 2 * Math.PI) }));
  return () => {
    const index = random.int(topics.length);
    const topic = topics[index] as string;
    const wave = waves[index] as (typeof waves)[number];
    wave.seq += 1;
    const samples: number[] = [];
    let size = jsonLength({ sensor: lastSegment(topic), seq: wave.seq, samples: [] });
    for (;;) {
      const sample = clamp(Math.round(512 + 400 * Math.sin(wave.phase) + random.between(-20, 20)), 0, 1023);
      wave.phase += 0.3;
      const added = String(sample).length + (samples.length === 0 ? 0 : 1);
      if (samples.length > 0 && size + added > bytes) break;
      samples.push(sample);
      size += added;
    }
    return { topic, data: { sensor: lastSegment(topic), seq: wave.seq, samples } };
  };
}

/** Samples per sine cycle and in the precomputed wave; the table holds whole cycles so it loops seamlessly. */
const WAVE_CYCLE = 32;
const WAVE_SAMPLES = 4096;

/**
 * Layout of a binary sensor sample, cut to exactly `bytes`:
 * uint16 BE sensor index | uint32 BE sample counter | int16 BE readings (a noisy sine) …
 * The readings are copied from a noisy wave computed once, so a 1 MB sample costs a memcpy, not a million sin() calls.
 */
function sensorBinary(topics: string[], bytes: number, random: SeededRandom): BodyMaker {
  const wave = new Uint8Array(WAVE_SAMPLES * 2);
  const waveView = new DataView(wave.buffer);
  for (let i = 0; i < WAVE_SAMPLES; i++) {
    const reading = 8000 * Math.sin((2 * Math.PI * i) / WAVE_CYCLE) + random.between(-300, 300);
    waveView.setInt16(i * 2, Math.round(reading));
  }
  const sensors = topics.map(() => ({ seq: 0, position: random.int(WAVE_SAMPLES) * 2 }));
  return () => {
    const index = random.int(topics.length);
    const sensor = sensors[index] as (typeof sensors)[number];
    sensor.seq = (sensor.seq + 1) >>> 0;
    const out = new Uint8Array(bytes); // exactly `bytes`, never a view into a larger buffer
    const view = new DataView(out.buffer);
    if (bytes >= 2) view.setUint16(0, index);
    if (bytes >= 6) view.setUint32(2, sensor.seq);
    const readingsEnd = bytes >= 6 ? 6 + Math.floor((bytes - 6) / 2) * 2 : 6;
    for (let offset = 6; offset < readingsEnd; ) {
      const chunk = wave.subarray(sensor.position, sensor.position + (readingsEnd - offset));
      out.set(chunk, offset);
      offset += chunk.length;
      sensor.position = (sensor.position + chunk.length) % wave.length;
    }
    return { topic: topics[index] as string, binary: out };
  };
}

// ---------------------------------------------------------------- sizing helpers

/** UTF-8 bytes, not string length: a scenario's topics (e.g. a ticker symbol) may be non-ASCII. */
function jsonLength(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value));
}

/**
 * Adds `key` with a text of the length that makes the JSON exactly `target`
 * long. When even an empty field overshoots, adds it only if that lands closer
 * to the target than leaving it out (tiny targets keep the natural minimum).
 */
function padWithField<T extends object>(data: T, key: string, target: number, text: (n: number) => string): T {
  const gap = target - jsonLength(data);
  const overhead = key.length + 6; // ,"key":""
  if (gap >= overhead) return { ...data, [key]: text(gap - overhead) };
  if (gap > overhead - gap) return { ...data, [key]: '' };
  return data;
}

/**
 * Realistic filler: exactly n characters of sentences from a pool. The pool is
 * joined once, so long texts cost one repeat().
 */
class TextPool {
  private readonly text: string;
  private readonly starts: number[] = [];

  constructor(sentences: readonly string[]) {
    let position = 0;
    for (const sentence of sentences) {
      // JSON-safe printable ASCII keeps string length == serialized byte count.
      if (!/^[\x20-\x7e]+$/.test(sentence) || /["\\]/.test(sentence))
        throw new Error(`not JSON-safe ASCII: ${sentence}`);
      this.starts.push(position);
      position += sentence.length + 1;
    }
    this.text = `${sentences.join(' ')} `;
  }

  /**
   * Starts at a random sentence. A word cut in half looks like a bug to a
   * learner reading the event, so a text ends at a word and trails off with
   * dots; short texts try the other sentences for the fewest dots.
   */
  take(random: SeededRandom, n: number): string {
    if (n <= 0) return '';
    const first = random.int(this.starts.length);
    const tries = n <= 256 ? this.starts.length : 1; // long texts: a few dots more are noise
    let best = '';
    let bestDots = Number.POSITIVE_INFINITY;
    for (let i = 0; i < tries && bestDots > 1; i++) {
      const { text, dots } = this.cut(this.starts[(first + i) % this.starts.length] as number, n);
      if (dots < bestDots) [best, bestDots] = [text, dots];
    }
    return best;
  }

  private cut(start: number, n: number): { text: string; dots: number } {
    let out = this.text.slice(start, start + n + 1);
    if (out.length <= n) {
      out += this.text.repeat(Math.ceil((n + 1 - out.length) / this.text.length));
    }
    const cut = out.slice(0, n);
    if (out[n] === ' ') return { text: cut, dots: 0 };
    const space = cut.lastIndexOf(' ');
    if (space <= 0) return { text: cut, dots: n }; // one long word: cutting it is all we can do
    return { text: cut.slice(0, space) + '.'.repeat(n - space), dots: n - space };
  }
}

function lastSegment(topic: string): string {
  return topic.slice(topic.lastIndexOf('.') + 1) || topic;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

function clamp(n: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, n));
}

// ---------------------------------------------------------------- text pools

const USERS = [
  'ada',
  'linus',
  'grace',
  'alan',
  'margaret',
  'dennis',
  'barbara',
  'ken',
  'radia',
  'tim',
  'frances',
  'guido',
];

const CHAT_LINES = new TextPool([
  'anyone else seeing the build fail on main?',
  'yes, since the last merge.',
  'I think it is the new lint rule.',
  'lunch in ten minutes?',
  'count me in!',
  'the demo went well, thanks everyone.',
  'can someone review my pull request when they have a moment?',
  'looking at it now.',
  'left two small comments, otherwise it looks good.',
  'is the staging server down or is it just me?',
  'it is back up now.',
  'who broke the coffee machine again?',
  'meeting moved to 3 pm.',
  'great idea, let us try it tomorrow.',
  'did you push the fix yet?',
  'pushed, the tests are running.',
  'nice work on the release notes.',
  'brb, grabbing a coffee.',
]);

const HEADLINES = new TextPool([
  'Shares rise after strong quarterly results.',
  'Analysts raise their price target.',
  'Trading volume is above the daily average.',
  'The company announces a new product line.',
  'Market opens higher on upbeat jobs data.',
  'Investors take profits after a three-day rally.',
  'Dividend confirmed for the next quarter.',
  'The central bank leaves interest rates unchanged.',
]);

const GAME_STATUS = new TextPool([
  'running',
  'idle',
  'crouching',
  'healing',
  'aiming',
  'looting a crate',
  'spectating',
  'reloading behind the crates',
  'picked up a health pack',
  'jumping over the wall',
  'captured the blue flag',
  'respawning at the base',
  'sprinting towards the bridge',
  'low on ammo',
]);

const NOTIFICATION_TITLES = [
  'Build finished',
  'New comment',
  'Payment received',
  'Backup completed',
  'Security alert',
  'Meeting reminder',
  'Deployment started',
  'Disk almost full',
];

const NOTIFICATION_BODIES = new TextPool([
  'The nightly build of the main branch passed all 412 tests.',
  'Grace replied to your comment on the design document.',
  'Invoice 2024-117 was paid in full.',
  'All databases were copied to the backup site.',
  'A new sign-in to your account was detected from an unknown device.',
  'Your meeting with the design team starts in 15 minutes.',
  'Version 3.2.0 is rolling out to production.',
  'The volume /var/data is 92 percent full.',
]);

const SNAPSHOT_NOTES = new TextPool([
  'Full inventory snapshot from the warehouse system.',
  'Stock levels are counted at the end of each picking wave.',
  'Prices include tax and are given in euros.',
  'Items with zero stock are kept so clients can clear their caches.',
]);
