import { afterEach, describe, expect, it, vi } from 'vitest';
import { listScenarios, loadScenario, parseScenario, type Scenario } from '../server/feed/scenario.ts';
import { createScenarioGenerator, type GeneratedBody } from '../server/feed/scenario-generator.ts';

const scenarios = listScenarios();
const jsonScenarios = scenarios.filter((s) => !s.payload.binary);

afterEach(() => {
  vi.restoreAllMocks();
});

function take(
  scenario: Scenario,
  count: number,
  seed = 1,
  overrides: { ratePerSecond?: number; payloadBytes?: number } = {},
) {
  const generator = createScenarioGenerator(scenario, { seed, ...overrides });
  return Array.from({ length: count }, () => generator.next());
}

/** One string per event: much faster to compare than deep equality on 500 snapshots of 100 KB. */
function fingerprints(scenario: Scenario, count: number, seed: number): string[] {
  return take(scenario, count, seed).map(({ delayMs, body }) =>
    JSON.stringify([delayMs, body.topic, 'binary' in body ? Array.from(body.binary) : body.data]),
  );
}

function jsonBytes(body: GeneratedBody): number {
  if ('binary' in body) throw new Error(`expected a JSON body on ${body.topic}`);
  return Buffer.byteLength(JSON.stringify(body.data));
}

function synthetic(overrides: Record<string, unknown>): Scenario {
  return parseScenario(
    {
      id: 'synthetic',
      title: 'Synthetic',
      summary: 'For tests.',
      notice: 'None. None.',
      ratePerSecond: 10,
      pattern: 'steady',
      payload: { kind: 'ticker', bytes: 100 },
      topics: ['a.ONE', 'a.TWO'],
      ...overrides,
    },
    'synthetic.json',
  );
}

/** Small payloads: delays come from their own random stream, and 20,000 snapshots of 100 KB would only slow the test. */
function meanDelay(scenario: Scenario, count: number, ratePerSecond?: number): number {
  const generator = createScenarioGenerator(scenario, {
    seed: 7,
    payloadBytes: 100,
    ...(ratePerSecond ? { ratePerSecond } : {}),
  });
  let total = 0;
  for (let i = 0; i < count; i++) total += generator.next().delayMs;
  return total / count;
}

describe('determinism', () => {
  it.each(scenarios)('$id: the same seed gives the same first 500 events', (scenario) => {
    expect(fingerprints(scenario, 500, 42)).toEqual(fingerprints(scenario, 500, 42));
  });

  it.each(scenarios)('$id: another seed gives other events', (scenario) => {
    expect(fingerprints(scenario, 100, 1)).not.toEqual(fingerprints(scenario, 100, 2));
  });

  it('never uses Math.random', () => {
    const spy = vi.spyOn(Math, 'random');
    for (const scenario of scenarios) take(scenario, 200);
    expect(spy).not.toHaveBeenCalled();
  });

  it('keeps the data sequence when only the rate changes', () => {
    const scenario = loadScenario('stock-ticker');
    const bodies = (rate: number) => take(scenario, 100, 3, { ratePerSecond: rate }).map((e) => e.body);
    expect(bodies(10)).toEqual(bodies(500));
  });
});

describe('timing', () => {
  const COUNT = 20_000; // a multiple of every burst size used here

  it.each([
    ['steady', {}],
    ['poisson', {}],
    ['bursty', { burstSize: 5 }],
    ['bursty', { burstSize: 100 }],
  ] as const)('%s %o: mean delay within 5%% of 1000/rate', (pattern, extra) => {
    for (const rate of [0.1, 10, 1000]) {
      const mean = meanDelay(synthetic({ pattern, ratePerSecond: rate, ...extra }), COUNT);
      expect(Math.abs(mean / (1000 / rate) - 1), `rate ${rate}`).toBeLessThan(0.05);
    }
  });

  it.each(scenarios)('$id: mean delay within 5% of 1000/rate, also overridden', (scenario) => {
    expect(Math.abs(meanDelay(scenario, COUNT) / (1000 / scenario.ratePerSecond) - 1)).toBeLessThan(0.05);
    expect(Math.abs(meanDelay(scenario, COUNT, 250) / 4 - 1)).toBeLessThan(0.05);
  });

  it('steady delays are all equal', () => {
    const delays = take(synthetic({ ratePerSecond: 8 }), 100).map((e) => e.delayMs);
    expect(new Set(delays)).toEqual(new Set([125]));
  });

  it('poisson delays vary, none negative', () => {
    const delays = take(synthetic({ pattern: 'poisson' }), 1000).map((e) => e.delayMs);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    expect(new Set(delays).size).toBeGreaterThan(900);
  });

  it('bursts are burstSize events 0 ms apart after a quiet gap', () => {
    const delays = take(synthetic({ pattern: 'bursty', burstSize: 4 }), 400).map((e) => e.delayMs);
    delays.forEach((delay, i) => {
      if (i % 4 === 0) expect(delay).toBeGreaterThan(0);
      else expect(delay).toBe(0);
    });
  });
});

describe('payload', () => {
  const within10 = (bytes: number, target: number) => Math.abs(bytes - target) <= target * 0.1;

  it.each(jsonScenarios)('$id: data JSON within ±10% of payload.bytes', (scenario) => {
    for (const { body } of take(scenario, 300)) {
      expect(within10(jsonBytes(body), scenario.payload.bytes), JSON.stringify(body)).toBe(true);
    }
  });

  const sensorJson = synthetic({ payload: { kind: 'sensor', bytes: 100 }, topics: ['sensor.s1'] });
  const sized = [...jsonScenarios, sensorJson].flatMap((scenario) =>
    [100, 10_000].map((payloadBytes) => ({ id: scenario.id, kind: scenario.payload.kind, payloadBytes, scenario })),
  );
  it.each(sized)('$id ($kind) with payloadBytes $payloadBytes: within ±10%', ({ payloadBytes, scenario }) => {
    for (const { body } of take(scenario, 100, 5, { payloadBytes })) {
      expect(within10(jsonBytes(body), payloadBytes), JSON.stringify(body).slice(0, 200)).toBe(true);
    }
  });

  it.each([undefined, 1, 5, 7, 100, 10_000])('binary-sensor with payloadBytes %s: exact size', (payloadBytes) => {
    const scenario = loadScenario('binary-sensor');
    const expected = payloadBytes ?? scenario.payload.bytes;
    for (const { body } of take(scenario, 100, 9, payloadBytes ? { payloadBytes } : {})) {
      if (!('binary' in body)) throw new Error('expected a binary body');
      expect(body.binary).toBeInstanceOf(Uint8Array);
      expect(body.binary.byteLength).toBe(expected);
      expect(body.binary.buffer.byteLength).toBe(expected); // not a view into a larger buffer
    }
  });

  it.each(scenarios)('$id: topics come from the scenario, and all of them are used', (scenario) => {
    // Small payloads: topics do not depend on size, and 2000 snapshots of 100 KB would only slow the test.
    const seen = new Set(take(scenario, 2000, 1, { payloadBytes: 100 }).map((e) => e.body.topic));
    expect(seen).toEqual(new Set(scenario.topics));
  });

  it('gives each kind its realistic shape', () => {
    const first = (id: string) => {
      const body = take(loadScenario(id), 1)[0]?.body;
      if (!body || 'binary' in body) throw new Error(`expected a JSON body for ${id}`);
      return body.data as Record<string, unknown>;
    };
    expect(first('stock-ticker')).toMatchObject({
      symbol: expect.any(String),
      price: expect.any(Number),
      change: expect.any(Number),
    });
    expect(first('chat-room')).toMatchObject({ user: expect.any(String), text: expect.any(String) });
    expect(first('multiplayer-game')).toEqual({ p: expect.any(Number), x: expect.any(Number), y: expect.any(Number) });
    expect(first('rare-notifications')).toMatchObject({ title: expect.any(String), body: expect.any(String) });
    expect(first('large-snapshot').rows).toBeInstanceOf(Array);
  });

  it('walks ticker prices: change is the difference to the previous price of that symbol', () => {
    const last = new Map<string, number>();
    for (const { body } of take(loadScenario('stock-ticker'), 500)) {
      const data = (body as { data: { symbol: string; price: number; change: number } }).data;
      const before = last.get(data.symbol);
      if (before !== undefined) expect(data.change).toBeCloseTo(data.price - before, 6);
      last.set(data.symbol, data.price);
    }
  });
});

describe('settings', () => {
  it.each([
    [{ ratePerSecond: 0 }, 'ratePerSecond'],
    [{ ratePerSecond: 1001 }, 'ratePerSecond'],
    [{ payloadBytes: 0 }, 'payloadBytes'],
    [{ payloadBytes: 2.5 }, 'payloadBytes'],
    [{ seed: Number.NaN }, 'seed'],
  ])('%o is refused with LAB_ERR_SCENARIO', (override, field) => {
    const run = () => createScenarioGenerator(loadScenario('stock-ticker'), { seed: 1, ...override });
    expect(run).toThrow(expect.objectContaining({ code: 'LAB_ERR_SCENARIO', message: expect.stringContaining(field) }));
  });
});
