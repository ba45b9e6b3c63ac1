/**
 * `npm run bench:dashboard [-- --seconds 60]`: the dashboard's performance
 * budget, measured in headless Chromium. All five transports on at 50
 * events/s; no task on the renderer's main thread may take over 50 ms of CPU.
 * Chromium's trace gives the CPU time of each main-thread task (the page's own
 * cost; their distribution is printed too); the Long Tasks API's wall-clock
 * figures, which on a busy machine include time the OS gave to other
 * processes, are printed beside it. Also prints how often each chart redrew
 * (tasks that changed its SVG, budget ~4 a second) and the first page's size
 * (gzip), budget 300 KB.
 *
 * `--profile <file>` also records a V8 CPU profile of the page (written to
 * `<file>`, which Chrome DevTools or speedscope opens) and a devtools.timeline
 * trace (written beside it as `<file>.trace.json`), and prints where the main
 * thread's time goes: the functions with the most self time, the kinds of work
 * (script, style, layout, paint, GC), the tasks grouped by what ran them, and
 * every task over 15 ms of CPU with what ran in it. The page is then built
 * unminified (into a temporary folder) so the names are readable.
 *
 * `--rate 10` runs the scenario at another rate (events/s; default 50, the
 * default scenario's own is 10).
 *
 * `--viewport 1440x4400` measures in a window that shows every panel at once
 * (default 1440x900, as the browser tests use). `--web-root <dir>` measures
 * another build of the page (an earlier commit's `vite build` output, say) on
 * this lab, for a before/after on one machine.
 *
 * `--cpu-throttle 4` slows the page's CPU that many times (Chromium's own
 * throttling, as DevTools' "4× slowdown": a weak school laptop). The budget is
 * then the slow laptop's: no Long Task over STUTTER_MS (wall time) after the
 * page's first SETTLE_MS, and every column's first numbers within
 * FIRST_NUMBERS_MS. At normal speed no task of the page's start may be over
 * STUTTER_MS either. Every run prints how long the page took from navigation
 * to its first numbers: the first column's, and every column's (short
 * polling's come last: its first answer only says where "now" is, the next
 * comes one interval later).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { CDPSession } from 'playwright-core';
import { percentileOfSorted } from '../protocol/figures.ts';
import { buildApp } from '../server/app.ts';
import { LabErrors } from '../server/errors.ts';
import { parseFlags, str, wholeNumberFlag } from '../server/flag-values.ts';
import { ensureDashboardBuilt } from '../web/build-dashboard.ts';
import { CHROMIUM_INSTALL_HINT, findChromium, launchBrowser } from './chromium-launcher.ts';

/** The default scenario (stock ticker) five times faster than its own 10 a second: a busier page than a class sees. */
const DEFAULT_RATE = 50;
const CPU_BUDGET_MS = 50;
/** A task this long (wall ms) is a stutter a user sees: none after SETTLE_MS when throttled, none at start when not. */
const STUTTER_MS = 100;
/** Throttled, the page's start (ms after navigation) may have long tasks; after it, none over STUTTER_MS. */
const SETTLE_MS = 3000;
/** Throttled, every column shows its first numbers within this long after navigation. */
const FIRST_NUMBERS_MS = 2000;
const BUNDLE_BUDGET_KB = 300;
/** The issue's "charts redraw at most ~4 times a second", per chart. */
const REDRAW_BUDGET_PER_S = 4;
/** With --profile: tasks over this much CPU are listed one by one. */
const HEAVY_TASK_MS = 15;
/** With --profile: V8's sampling interval (µs). */
const SAMPLING_US = 250;
const TASK_EVENT = 'ThreadControllerImpl::RunTask';
const CPU_BUCKETS = [1, 5, 10, 15, 30, 50];

interface TraceEvent {
  ph: string;
  name: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string; data?: Record<string, unknown> };
}

/** The part of a V8 CPU profile (CDP `Profiler.Profile`) read here. */
interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** What the page itself records (see the observers installed after load). */
interface PageBudget {
  /** PerformanceObserver `longtask` entries: wall-clock duration and start (ms, page clock). */
  longTasks: Array<{ ms: number; at: number }>;
  /** Tasks that changed each chart's SVG, by chart. */
  redraws: Record<string, number>;
}

interface Task {
  ts: number;
  wallMs: number;
  cpuMs: number;
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2), {
    seconds: { type: 'string' },
    profile: { type: 'string' },
    viewport: { type: 'string' },
    'web-root': { type: 'string' },
    'cpu-throttle': { type: 'string' },
    rate: { type: 'string' },
  });
  const throttle = wholeNumberFlag('--cpu-throttle', str(flags, 'cpu-throttle'), 1, 20, 1);
  const seconds = wholeNumberFlag('--seconds', str(flags, 'seconds'), 5, 600, 60);
  const rate = wholeNumberFlag('--rate', str(flags, 'rate'), 1, 1000, DEFAULT_RATE);
  const viewport = viewportFlag(str(flags, 'viewport'));
  const profilePath = str(flags, 'profile');
  const executable = findChromium();
  if (!executable) throw new Error(`no Chromium found: ${CHROMIUM_INSTALL_HINT}`);

  const otherBuild = str(flags, 'web-root');
  const unminified = profilePath && !otherBuild ? await buildUnminified() : null;
  const webRoot = otherBuild ?? unminified ?? (await ensureDashboardBuilt());
  const sizes = pageGzipKb(unminified ? await ensureDashboardBuilt() : webRoot);
  const bundleKb = sizes.firstPage;
  const app = await buildApp({ webRoot, ratePerSecond: rate });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const browser = await launchBrowser(executable, viewport);
  try {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    if (throttle > 1) {
      const throttling = await browser.context.newCDPSession(page);
      await throttling.send('Emulation.setCPUThrottlingRate', { rate: throttle });
    }
    const navigatedAt = Date.now();
    await page.goto(`http://127.0.0.1:${port}/`);
    // The first numbers: a column's latency median shows a number, not "measuring…"; then every column's.
    // (No named functions inside: tsx would wrap them in a helper the page does not have.)
    const columnsWithNumbers = (every: boolean) => {
      const shown = [...document.querySelectorAll('[data-transport] [data-metric="latency-p50"]')].map((f) =>
        Number.isFinite(Number(f.textContent)),
      );
      return shown.length > 0 && (every ? !shown.includes(false) : shown.includes(true));
    };
    await page.waitForFunction(columnsWithNumbers, false, { timeout: 60_000, polling: 20 });
    const firstColumnMs = Date.now() - navigatedAt;
    await page.waitForFunction(columnsWithNumbers, true, { timeout: 60_000, polling: 20 });
    const firstNumbersMs = Date.now() - navigatedAt;
    await page.evaluate(() => {
      const budget: PageBudget = { longTasks: [], redraws: {} };
      (window as unknown as { __budget: PageBudget }).__budget = budget;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) budget.longTasks.push({ ms: entry.duration, at: entry.startTime });
      }).observe({ type: 'longtask', buffered: true });
      // A redraw is a task that changed a chart's (or the timeline's) SVG: the observer reports once per task, with every change in it.
      new MutationObserver((mutations) => {
        const charts = new Set<string>();
        for (const m of mutations) {
          const node = m.target instanceof Element ? m.target : m.target.parentElement;
          const chart = node?.closest('svg[data-surface]');
          if (chart)
            charts.add(
              chart.getAttribute('data-surface') === 'timeline'
                ? 'Timeline'
                : (chart.getAttribute('aria-label') ?? '?'),
            );
        }
        for (const chart of charts) budget.redraws[chart] = (budget.redraws[chart] ?? 0) + 1;
      }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    });
    const cdp = await browser.context.newCDPSession(page);
    const events: TraceEvent[] = [];
    /** With --profile, every trace event, written beside the profile for DevTools' Performance panel. */
    const traceEvents: TraceEvent[] = [];
    cdp.on('Tracing.dataCollected', ({ value }) => {
      for (const e of value as unknown as TraceEvent[]) {
        if (e.ph === 'X' || e.ph === 'M') events.push(e);
        if (profilePath) traceEvents.push(e);
      }
    });
    const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
    const categories = profilePath ? 'toplevel,devtools.timeline,disabled-by-default-devtools.timeline,v8' : 'toplevel';
    if (profilePath) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: SAMPLING_US });
      await cdp.send('Profiler.start');
    }
    await cdp.send('Tracing.start', { categories, transferMode: 'ReportEvents' });
    console.error(
      `measuring for ${seconds} s at ${rate} events/s${throttle > 1 ? `, CPU throttled ${throttle}×` : ''}${profilePath ? ', profiling (unminified build)' : ''}…`,
    );
    // Redraws count from here: the page's first renders are not its steady pace.
    const measuredFrom = await page.evaluate(() => {
      (window as unknown as { __budget: PageBudget }).__budget.redraws = {};
      return performance.now();
    });
    await page.waitForTimeout(seconds * 1000);
    // Read before the trace ends: sending the trace keeps Chromium busy and makes long tasks of its own.
    const { longTasks, redraws } = await page.evaluate(() => (window as unknown as { __budget: PageBudget }).__budget);
    await cdp.send('Tracing.end');
    const profile = profilePath ? await stopProfiler(cdp) : null;
    await complete;

    const mainThread = rendererMainThread(events);
    const onMain = events.filter((e) => `${e.pid}:${e.tid}` === mainThread);
    const tasks: Task[] = onMain
      .filter((e) => e.name === TASK_EVENT)
      .map((e) => ({ ts: e.ts, wallMs: (e.dur ?? 0) / 1000, cpuMs: (e.tdur ?? 0) / 1000 }));
    const over10 = tasks.filter((t) => t.wallMs > 10);
    const cpuMax = Math.max(0, ...tasks.map((t) => t.cpuMs));
    console.log(
      `first page: ${bundleKb.toFixed(1)} KB gzip (budget ${BUNDLE_BUDGET_KB} KB); every asset, with chunks loaded later: ${sizes.all.toFixed(1)} KB`,
    );
    console.log(
      `first numbers ${firstNumbersMs} ms after navigation in every column (the first column's at ${firstColumnMs} ms)${throttle > 1 ? `, CPU throttled ${throttle}× (budget ${FIRST_NUMBERS_MS} ms)` : ''}`,
    );
    console.log(
      `${seconds} s at ${rate} events/s: main-thread tasks over 10 ms: ${over10.length}; longest CPU time ${cpuMax.toFixed(1)} ms (budget ${CPU_BUDGET_MS} ms)`,
    );
    console.log(distribution(tasks, seconds));
    const listed = (list: PageBudget['longTasks']): string =>
      list.length ? list.map((t) => `${t.ms.toFixed(0)} ms`).join(', ') : 'none';
    const running = longTasks.filter((t) => t.at >= measuredFrom);
    const starting = longTasks.filter((t) => t.at < measuredFrom);
    console.log(
      `Long Tasks API (wall time, > 50 ms) during the ${seconds} s: ${listed(running)}; while the page loaded: ${listed(starting)}`,
    );
    // The slow laptop's budget counts from SETTLE_MS after navigation (the page clock's zero); at normal speed the start counts too.
    const stutters = (throttle > 1 ? longTasks.filter((t) => t.at >= SETTLE_MS) : starting).filter(
      (t) => t.ms > STUTTER_MS,
    );
    console.log(
      `${throttle > 1 ? `Long Tasks over ${STUTTER_MS} ms after the first ${SETTLE_MS / 1000} s` : `Long Tasks over ${STUTTER_MS} ms while the page started`}: ${listed(stutters)} (budget none)`,
    );
    // Wall time far above CPU time is a task that waited for a core (the OS ran another process), not the page's work.
    const wallOver = tasks.filter((t) => t.wallMs > CPU_BUDGET_MS);
    if (wallOver.length > 0)
      console.log(
        `  trace tasks over 50 ms wall (wall / CPU ms): ${wallOver.map((t) => `${t.wallMs.toFixed(0)} / ${t.cpuMs.toFixed(1)}`).join(', ')}`,
      );
    const redrawRates = Object.entries(redraws).map(([chart, n]) => [chart, n / seconds] as const);
    const fastest = Math.max(0, ...redrawRates.map(([, rate]) => rate));
    console.log(
      `chart redraws per second (budget ~${REDRAW_BUDGET_PER_S}): ${redrawRates.map(([chart, rate]) => `${chart.split(/[,:]/)[0]} ${rate.toFixed(1)}`).join(' · ') || 'none seen'}`,
    );
    const start = tasks[0]?.ts ?? 0;
    const heavy = tasks.filter((t) => t.cpuMs > HEAVY_TASK_MS);
    console.log(
      `tasks over ${HEAVY_TASK_MS} ms CPU: ${
        heavy.length === 0
          ? 'none'
          : heavy.map((t) => `+${((t.ts - start) / 1e6).toFixed(1)} s ${t.cpuMs.toFixed(1)} ms`).join(', ')
      }${heavy.length > 0 && !profilePath ? ' (what ran in them: --profile)' : ''}`,
    );
    if (profile && profilePath) {
      writeFileSync(profilePath, JSON.stringify(profile));
      const tracePath = `${profilePath.replace(/\.cpuprofile$/, '')}.trace.json`;
      writeFileSync(tracePath, JSON.stringify({ traceEvents }));
      console.log(`\nCPU profile written to ${profilePath} (Chrome DevTools, or https://speedscope.app)`);
      console.log(`trace written to ${tracePath} (Chrome DevTools' Performance panel, or https://ui.perfetto.dev)`);
      console.log(explain(profile, onMain, tasks));
    }
    if (tasks.length === 0) throw new Error('the trace has no renderer main thread tasks: nothing was measured');
    if (redrawRates.length === 0)
      throw new Error('no chart redrew: nothing flowed, or the charts lost their chart-surface class');
    // Throttled, the trace's CPU times stay the page's own; what a slow laptop's user sees is wall time.
    const withinBudget =
      (throttle > 1 ? firstNumbersMs <= FIRST_NUMBERS_MS : cpuMax < CPU_BUDGET_MS && running.length === 0) &&
      stutters.length === 0 &&
      bundleKb <= BUNDLE_BUDGET_KB &&
      fastest <= REDRAW_BUDGET_PER_S * 1.1;
    process.exitCode = withinBudget ? 0 : 1;
  } finally {
    await browser.close();
    await app.close();
    if (unminified) rmSync(unminified, { recursive: true, force: true });
  }
}

/** `--viewport 1440x4400`: a window tall enough to show every panel at once (default 1440x900, the e2e's). */
function viewportFlag(text: string | undefined): { width: number; height: number } {
  if (text === undefined) return { width: 1440, height: 900 };
  const match = /^(\d+)x(\d+)$/.exec(text);
  const width = Number(match?.[1]);
  const height = Number(match?.[2]);
  if (!(width >= 320 && width <= 4000 && height >= 240 && height <= 8000)) {
    throw LabErrors.BAD_FLAG(`--viewport must be WIDTHxHEIGHT, 320–4000 by 240–8000 (got ${JSON.stringify(text)})`);
  }
  return { width, height };
}

/** The page's build without minification, in a temporary folder, so a profile names its functions. */
async function buildUnminified(): Promise<string> {
  const { build } = await import('vite');
  const outDir = mkdtempSync(join(tmpdir(), 'transport-lab-profile-'));
  const inherited = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      configFile: new URL('../web/vite.config.ts', import.meta.url).pathname,
      mode: 'production',
      logLevel: 'warn',
      build: { outDir, emptyOutDir: true, minify: false },
    });
  } finally {
    if (inherited === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = inherited;
  }
  return outDir;
}

async function stopProfiler(cdp: CDPSession): Promise<CpuProfile> {
  const { profile } = await cdp.send('Profiler.stop');
  await cdp.send('Profiler.disable');
  return profile;
}

/** `pid:tid` of the renderer's main thread: the one named CrRendererMain with the most tasks. */
function rendererMainThread(events: TraceEvent[]): string {
  const named = new Set(
    events
      .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  );
  const counts = new Map<string, number>();
  for (const e of events) {
    const thread = `${e.pid}:${e.tid}`;
    if (e.name === TASK_EVENT && named.has(thread)) counts.set(thread, (counts.get(thread) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
}

/** Percentiles and a histogram of the main thread's per-task CPU time, and its total CPU share. */
function distribution(tasks: Task[], seconds: number): string {
  const cpu = tasks.map((t) => t.cpuMs).sort((a, b) => a - b);
  const at = (p: number): string => (percentileOfSorted(cpu, p * 100) ?? 0).toFixed(1);
  const total = cpu.reduce((sum, ms) => sum + ms, 0);
  const edges = [0, ...CPU_BUCKETS, Number.POSITIVE_INFINITY];
  const buckets = edges.slice(1).map((high, i) => {
    const low = edges[i] ?? 0;
    const n = cpu.filter((ms) => ms >= low && ms < high).length;
    return `${high === Number.POSITIVE_INFINITY ? `≥${low}` : `${low}–${high}`}: ${n}`;
  });
  return [
    `main-thread CPU: ${(total / 1000).toFixed(2)} s in ${tasks.length} tasks (${((total / (seconds * 1000)) * 100).toFixed(1)}% of a core);`,
    `per task p50 ${at(0.5)} · p90 ${at(0.9)} · p99 ${at(0.99)} · p99.9 ${at(0.999)} ms`,
    `\n  tasks by CPU ms: ${buckets.join(' · ')}`,
  ].join(' ');
}

// ── --profile: where the time goes ─────────────────────────────────────────

interface Sample {
  ts: number;
  durUs: number;
  node: number;
}

/** Self time per function, per kind of work, and what ran in each task over HEAVY_TASK_MS. */
function explain(profile: CpuProfile, onMain: TraceEvent[], tasks: Task[]): string {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const samples: Sample[] = [];
  let ts = profile.startTime;
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < (profile.samples ?? []).length; i++) {
    ts += deltas[i] ?? 0;
    samples.push({ ts, durUs: deltas[i + 1] ?? SAMPLING_US, node: profile.samples?.[i] ?? 0 });
  }
  const label = (id: number): string => {
    const frame = nodes.get(id)?.callFrame;
    if (!frame) return '?';
    const where = frame.url ? ` ${basename(frame.url).replace(/[?#].*/, '')}:${frame.lineNumber + 1}` : '';
    return `${frame.functionName || '(anonymous)'}${where}`;
  };
  const topSelf = (within: Sample[], n: number): Array<[string, number]> => {
    const self = new Map<string, number>();
    for (const s of within) self.set(label(s.node), (self.get(label(s.node)) ?? 0) + s.durUs / 1000);
    return [...self]
      .filter(([name]) => name !== '(idle)')
      .sort((a, b) => b[1] - a[1])
      .slice(0, n);
  };
  const busy = samples.filter((s) => label(s.node) !== '(idle)');
  const busyMs = busy.reduce((sum, s) => sum + s.durUs / 1000, 0);
  const lines = [`\nself time by function (V8 samples, main thread busy ${(busyMs / 1000).toFixed(2)} s):`];
  for (const [name, ms] of topSelf(busy, 25)) {
    lines.push(`  ${ms.toFixed(0).padStart(7)} ms ${((ms / busyMs) * 100).toFixed(1).padStart(5)}%  ${name}`);
  }

  const timeline = onMain.filter((e) => e.name !== TASK_EVENT && e.dur !== undefined);
  lines.push('\nself time by kind of work (devtools.timeline, all main-thread tasks):');
  for (const [name, ms] of selfByName(timeline).slice(0, 15)) {
    lines.push(`  ${ms.toFixed(0).padStart(7)} ms  ${name}`);
  }

  // Tasks grouped by what started them: the React scheduler, a timer's function, a frame (style, layout, paint)…
  const groups = new Map<string, { n: number; total: number; max: number; samples: Sample[] }>();
  const byStart = [...timeline].sort((a, b) => a.ts - b.ts);
  let cursor = 0;
  let sampleCursor = 0;
  for (const task of [...tasks].sort((a, b) => a.ts - b.ts)) {
    const end = task.ts + task.wallMs * 1000;
    while (cursor < byStart.length && (byStart[cursor]?.ts ?? 0) < task.ts) cursor++;
    const inside: TraceEvent[] = [];
    for (let i = cursor; i < byStart.length && (byStart[i]?.ts ?? 0) < end; i++) inside.push(byStart[i] as TraceEvent);
    const key = taskKind(inside);
    const group = groups.get(key) ?? { n: 0, total: 0, max: 0, samples: [] };
    group.n++;
    group.total += task.cpuMs;
    group.max = Math.max(group.max, task.cpuMs);
    while (sampleCursor < samples.length && (samples[sampleCursor]?.ts ?? 0) < task.ts) sampleCursor++;
    for (let i = sampleCursor; i < samples.length && (samples[i]?.ts ?? 0) < end; i++) {
      group.samples.push(samples[i] as Sample);
    }
    groups.set(key, group);
  }
  lines.push('\nmain-thread tasks by what ran them (CPU ms), with the functions most of their time went to:');
  for (const [key, g] of [...groups].sort((a, b) => b[1].total - a[1].total).slice(0, 12)) {
    lines.push(
      `  ${g.total.toFixed(0).padStart(7)} total · ${String(g.n).padStart(6)} tasks · mean ${(g.total / g.n).toFixed(2).padStart(6)} · max ${g.max.toFixed(1).padStart(5)}  ${key}`,
    );
    const fns = topSelf(g.samples, 6).map(([name, ms]) => `${name} ${ms.toFixed(0)}`);
    if (fns.length > 0) lines.push(`        ${fns.join(' · ')}`);
  }

  const heavy = tasks.filter((t) => t.cpuMs > HEAVY_TASK_MS).sort((a, b) => a.ts - b.ts);
  const start = tasks[0]?.ts ?? 0;
  lines.push(`\ntasks over ${HEAVY_TASK_MS} ms CPU, what ran in them: ${heavy.length}`);
  for (const task of heavy) {
    const end = task.ts + task.wallMs * 1000;
    const inside = timeline.filter((e) => e.ts >= task.ts && e.ts < end);
    const kinds = selfByName(inside)
      .slice(0, 5)
      .map(([name, ms]) => `${name} ${ms.toFixed(1)}`)
      .join(' · ');
    const trigger = inside.find(
      (e) => e.name === 'TimerFire' || e.name === 'EventDispatch' || e.name === 'FunctionCall',
    );
    const fns = topSelf(
      samples.filter((s) => s.ts >= task.ts && s.ts < end),
      4,
    )
      .map(([name, ms]) => `${name} ${ms.toFixed(1)}`)
      .join(' · ');
    lines.push(
      `  +${((task.ts - start) / 1e6).toFixed(1)} s: ${task.cpuMs.toFixed(1)} ms CPU / ${task.wallMs.toFixed(1)} ms wall` +
        `${trigger ? ` (${describeTrigger(trigger)})` : ''}\n      work: ${kinds}\n      functions: ${fns}`,
    );
  }
  return lines.join('\n');
}

/** Self time (ms) per event name: each event's duration less that of the events nested in it. */
function selfByName(events: TraceEvent[]): Array<[string, number]> {
  const sorted = [...events].sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  const self = new Map<string, number>();
  const stack: TraceEvent[] = [];
  for (const e of sorted) {
    while (stack.length > 0) {
      const top = stack.at(-1) as TraceEvent;
      if (e.ts < top.ts + (top.dur ?? 0)) break;
      stack.pop();
    }
    const parent = stack.at(-1);
    const ms = (e.dur ?? 0) / 1000;
    self.set(e.name, (self.get(e.name) ?? 0) + ms);
    if (parent) self.set(parent.name, (self.get(parent.name) ?? 0) - Math.min(ms, (parent.dur ?? 0) / 1000));
    stack.push(e);
  }
  return [...self].sort((a, b) => b[1] - a[1]);
}

/** A task's kind: the first script it ran (function and place), else "frame" for rendering work, else its first event. */
function taskKind(inside: TraceEvent[]): string {
  const script = inside.find((e) => e.name === 'FunctionCall' || e.name === 'EventDispatch' || e.name === 'TimerFire');
  if (script) return describeTrigger(inside.find((e) => e.name === 'FunctionCall') ?? script);
  if (inside.some((e) => /^(Paint|Layout|UpdateLayoutTree|PrePaint|Commit|Layerize)$/.test(e.name))) {
    return 'frame: style, layout, paint';
  }
  return inside[0]?.name ?? '(nothing traced)';
}

function describeTrigger(e: TraceEvent): string {
  const data = e.args?.data ?? {};
  if (e.name === 'EventDispatch') return `event ${String(data.type ?? '?')}`;
  if (e.name === 'TimerFire') return `timer ${String(data.timerId ?? '?')}`;
  const fn = typeof data.functionName === 'string' && data.functionName ? data.functionName : 'function';
  return `${fn} ${basename(String(data.url ?? '')).replace(/[?#].*/, '')}:${String(data.lineNumber ?? '?')}`;
}

/** index.html plus every script and stylesheet it loads, gzip-compressed (level 9). */
/**
 * Gzip sizes: the first page is index.html and what it names (its script, its
 * styles, any modulepreload), i.e. what loads before the first render; all is
 * every asset, including chunks loaded later (the load panel's).
 */
function pageGzipKb(webRoot: string): { firstPage: number; all: number } {
  const gzipKb = (file: string): number => gzipSync(readFileSync(file), { level: 9 }).length / 1024;
  const html = readFileSync(join(webRoot, 'index.html'), 'utf8');
  const named = [...html.matchAll(/(?:src|href)="\.?\/?(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1] ?? '');
  const assets = readdirSync(join(webRoot, 'assets')).filter((f) => /\.(js|css)$/.test(f));
  const index = gzipKb(join(webRoot, 'index.html'));
  return {
    firstPage: index + named.reduce((sum, file) => sum + gzipKb(join(webRoot, file)), 0),
    all: index + assets.reduce((sum, file) => sum + gzipKb(join(webRoot, 'assets', file)), 0),
  };
}

main().catch((error: unknown) => {
  console.error(`error: ${(error as Error).message}`);
  process.exit(2);
});
