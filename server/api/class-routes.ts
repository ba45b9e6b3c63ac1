/**
 * The class view: every dashboard reports its own measured figures every two
 * seconds, and the teacher's page reads how they spread across the class.
 * Lab traffic. Kept in memory only: the last report per page; a page silent
 * for 10 s is forgotten (its tab closed, its laptop slept), and at most 500
 * pages are kept, so a misbehaving client cannot grow the lab's memory. A page
 * belongs to the address that reports it, and one address keeps at most 8
 * pages (loopback exempt): a student's script cannot fill the class view.
 *
 * - `POST /api/class/report` with `{"page","transports":{"<name>":{"p50","p95","p99","messages","gaps","settingMs"?}}}` → 204;
 * - `GET /api/class` → `{"browsers","transports":{"<name>":{"browsers","p50":{min,median,max},…,"groups":[…]}}}`:
 *   `groups` splits a transport's pages by their own client setting (a student's own poll interval).
 */

import type { FastifyInstance } from 'fastify';
import type { ClassReport, ClassView, SettingGroup, Spread, TransportFigures } from '../../protocol/class-report.ts';
import { isTransportName, TRANSPORT_NAMES, type TransportName } from '../../protocol/feed-event.ts';
import { percentileOfSorted } from '../../protocol/figures.ts';
import { LabErrors } from '../errors.ts';
import { isLoopbackAddress } from '../security/loopback-address.ts';
import type { TransportContext } from '../transports/transport-context.ts';

/** A page that has not reported for this long (ms) no longer counts. */
export const CLASS_STALE_MS = 10_000;
/** Most pages kept; a new page beyond it pushes out the one whose report is oldest. */
export const CLASS_MAX_PAGES = 500;
/** Most pages one address keeps (a student's few tabs); a new one beyond it pushes out that address's oldest. */
export const CLASS_PAGES_PER_ADDRESS = 8;

const PAGE_ID = /^[A-Za-z0-9._-]{1,64}$/;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const LATENCY_FIGURES = ['p50', 'p95', 'p99'] as const;
const COUNT_FIGURES = ['messages', 'gaps'] as const;
const FIGURES = [...LATENCY_FIGURES, ...COUNT_FIGURES] as const;
/** An hour: a latency beyond it is a broken clock, not a measurement. */
const MAX_LATENCY_MS = 3_600_000;
const MAX_DEPTH = 4;

type Figure = (typeof FIGURES)[number] & keyof TransportFigures;

/** The reports of the class, newest last (a Map keeps insertion order, and a page re-inserts itself). */
export class ClassRoster {
  /** Keyed by address and page id: a report only ever replaces its own address's page. */
  private readonly pages = new Map<string, { at: number; address: string; transports: ClassReport['transports'] }>();

  /**
   * @param now epoch ms; Date.now by default (read at each call, so tests can move it)
   * @param exempt addresses without the per-address limit; none by default
   */
  constructor(
    private readonly now: () => number = () => Date.now(),
    private readonly staleMs = CLASS_STALE_MS,
    private readonly maxPages = CLASS_MAX_PAGES,
    private readonly exempt: (address: string) => boolean = () => false,
    private readonly pagesPerAddress = CLASS_PAGES_PER_ADDRESS,
  ) {}

  /** @param address the reporting page's remote address */
  report({ page, transports }: ClassReport, address: string): void {
    this.prune();
    const key = `${address} ${page}`;
    this.pages.delete(key);
    this.pages.set(key, { at: this.now(), address, transports });
    if (!this.exempt(address)) {
      const own = [...this.pages].filter(([, entry]) => entry.address === address);
      for (const [oldest] of own.slice(0, Math.max(0, own.length - this.pagesPerAddress))) this.pages.delete(oldest);
    }
    for (const oldest of this.pages.keys()) {
      if (this.pages.size <= this.maxPages) break;
      this.pages.delete(oldest);
    }
  }

  view(): ClassView {
    this.prune();
    const transports: ClassView['transports'] = {};
    for (const transport of TRANSPORT_NAMES) {
      const reports = [...this.pages.values()].flatMap((page) => page.transports[transport] ?? []);
      if (reports.length === 0) continue;
      const spreadOf = (figure: Figure): Spread => spread(reports.map((r) => r[figure]));
      transports[transport] = {
        browsers: reports.length,
        p50: spreadOf('p50'),
        p95: spreadOf('p95'),
        p99: spreadOf('p99'),
        messages: spreadOf('messages'),
        gaps: spreadOf('gaps'),
        groups: settingGroups(reports),
      };
    }
    return { browsers: this.pages.size, transports };
  }

  private prune(): void {
    const from = this.now() - this.staleMs;
    // Oldest first: stop at the first fresh one.
    for (const [page, { at }] of this.pages) {
      if (at >= from) break;
      this.pages.delete(page);
    }
  }
}

/** The reports by their client setting, most browsers first (then the smaller setting), each with its own spread. */
export function settingGroups(reports: readonly TransportFigures[]): SettingGroup[] {
  const bySetting = new Map<number | null, TransportFigures[]>();
  for (const report of reports) {
    const key = report.settingMs ?? null;
    bySetting.set(key, [...(bySetting.get(key) ?? []), report]);
  }
  return [...bySetting]
    .map(([settingMs, group]) => ({
      settingMs,
      browsers: group.length,
      p50: spread(group.map((r) => r.p50)),
      p99: spread(group.map((r) => r.p99)),
    }))
    .sort((a, b) => b.browsers - a.browsers || (a.settingMs ?? -1) - (b.settingMs ?? -1));
}

/** Smallest, median (mean of the middle two for an even count) and largest; `values` must not be empty. */
export function spread(values: readonly number[]): Spread {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  // The lab's one median (nearest rank): a figure one of the browsers really reported.
  return { min: sorted[0] ?? 0, median: percentileOfSorted(sorted, 50) ?? 0, max: sorted[n - 1] ?? 0 };
}

/** The one validation of a report; throws LAB_ERR_BAD_BODY naming the field, or LAB_ERR_FORBIDDEN_KEY. */
export function parseClassReport(body: unknown): ClassReport {
  rejectForbiddenKeys(body, 0);
  const report = objectOf(body, 'the body', '{"page":"web-1","transports":{"sse":{"p50":3,…}}}');
  onlyKeys(report, ['page', 'transports'], 'the body');
  if (typeof report.page !== 'string' || !PAGE_ID.test(report.page)) {
    throw LabErrors.BAD_BODY(`"page" must be a string of 1–64 of A-Za-z0-9._- (got ${shown(report.page)})`);
  }
  const given = objectOf(report.transports, '"transports"', '{"sse":{"p50":3,"p95":5,"p99":9,"messages":40,"gaps":0}}');
  const transports: ClassReport['transports'] = {};
  for (const [name, value] of Object.entries(given)) {
    if (!isTransportName(name)) {
      throw LabErrors.BAD_BODY(
        `unknown transport "${name.slice(0, 40)}" in "transports"; allowed: ${TRANSPORT_NAMES.join(', ')}`,
      );
    }
    transports[name] = parseFigures(value, name);
  }
  return { page: report.page, transports };
}

function parseFigures(value: unknown, transport: TransportName): TransportFigures {
  const where = `"transports.${transport}"`;
  const figures = objectOf(value, where, '{"p50":3,"p95":5,"p99":9,"messages":40,"gaps":0}');
  const { settingMs, ...measured } = figures;
  onlyKeys(measured, FIGURES, where);
  const out = {} as TransportFigures;
  if (settingMs !== undefined) {
    if (!Number.isSafeInteger(settingMs) || (settingMs as number) < 0 || (settingMs as number) > MAX_LATENCY_MS) {
      throw LabErrors.BAD_BODY(
        `${where}.settingMs must be whole ms from 0 to ${MAX_LATENCY_MS} (got ${shown(settingMs)})`,
      );
    }
    out.settingMs = settingMs as number;
  }
  for (const key of LATENCY_FIGURES) {
    const n = figures[key];
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 0 || n > MAX_LATENCY_MS) {
      throw LabErrors.BAD_BODY(`${where}.${key} must be a latency in ms from 0 to ${MAX_LATENCY_MS} (got ${shown(n)})`);
    }
    out[key] = n;
  }
  for (const key of COUNT_FIGURES) {
    const n = figures[key];
    if (!Number.isSafeInteger(n) || (n as number) < 0) {
      throw LabErrors.BAD_BODY(`${where}.${key} must be a whole number ≥ 0 (got ${shown(n)})`);
    }
    out[key] = n as number;
  }
  // Percentiles of one set of samples cannot decrease; a report where they do was not measured.
  if (!(out.p50 <= out.p95 && out.p95 <= out.p99)) {
    throw LabErrors.BAD_BODY(`${where} must have p50 ≤ p95 ≤ p99 (got ${out.p50}, ${out.p95}, ${out.p99})`);
  }
  return out;
}

function objectOf(value: unknown, what: string, example: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw LabErrors.BAD_BODY(`${what} must be a JSON object such as ${example}`);
  }
  return value as Record<string, unknown>;
}

function onlyKeys(value: Record<string, unknown>, allowed: readonly string[], where: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw LabErrors.BAD_BODY(`unknown field "${key.slice(0, 40)}" in ${where}; allowed: ${allowed.join(', ')}`);
    }
  }
  for (const key of allowed) {
    if (value[key] === undefined) throw LabErrors.BAD_BODY(`${where} needs the field "${key}"`);
  }
}

/** Refuses `__proto__`, `constructor` and `prototype` keys at any depth (LAB_ERR_FORBIDDEN_KEY), and deeper nesting than a report has. */
export function rejectForbiddenKeys(value: unknown, depth = 0): void {
  if (typeof value !== 'object' || value === null) return;
  if (depth > MAX_DEPTH) throw LabErrors.BAD_BODY(`a report is nested at most ${MAX_DEPTH} levels deep`);
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) throw LabErrors.FORBIDDEN_KEY(key);
    rejectForbiddenKeys((value as Record<string, unknown>)[key], depth + 1);
  }
}

function shown(value: unknown): string {
  return (JSON.stringify(value) ?? 'nothing').slice(0, 40);
}

export async function classRoutes(app: FastifyInstance, { options, clientAddressOf }: TransportContext): Promise<void> {
  const roster = new ClassRoster(undefined, undefined, undefined, options.perAddressExempt ?? isLoopbackAddress);

  app.post('/api/class/report', (request, reply) => {
    // The real client: behind the conditioner, the student's address, not 127.0.0.1.
    roster.report(parseClassReport(request.body), clientAddressOf(request.raw.socket));
    return reply.code(204).send();
  });

  app.get('/api/class', (_request, reply) => reply.header('cache-control', 'no-store').send(roster.view()));
}
