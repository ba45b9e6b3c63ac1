/**
 * The page: header, the class's prediction round (when one is on), controls, the network, what to notice, the four columns,
 * the lessons, the class (teacher only), the comparison charts, the segments, the timeline, the
 * connection limit, the inspector, upstream and explanations — or, with
 * `view: 'stage'`, the projector's stage instead (components/stage-view.tsx),
 * and on a phone-wide screen the phone view (components/phone-view.tsx).
 * The configuration lives here and mirrors itself into the URL.
 */
import { lazy, Suspense, startTransition, useEffect, useMemo, useState } from 'react';
import { BytesPerMessageChart } from './components/bytes-per-message-chart.tsx';
import { ClassPanel } from './components/class-panel.tsx';
import { ClassRoundPanel } from './components/class-round-panel.tsx';
import { ClusterInstances } from './components/cluster-instances.tsx';
import { ConnectionLimitPanel } from './components/connection-limit-panel.tsx';
import { ControlsPanel } from './components/controls-panel.tsx';
import { CumulativeBytesChart } from './components/cumulative-bytes-chart.tsx';
import { Definitions } from './components/definitions.tsx';
import { HeaderBar } from './components/header-bar.tsx';
import { LatencyChart } from './components/latency-chart.tsx';
import { LessonsPanel } from './components/lessons-panel.tsx';
import { NetworkPanel } from './components/network-panel.tsx';
import { PhoneView } from './components/phone-view.tsx';
import { RequestRateChart } from './components/request-rate-chart.tsx';
import { ScenarioNotice } from './components/scenario-notice.tsx';
import { SegmentTable } from './components/segment-table.tsx';
import { SocketIoFeaturesPanel } from './components/socket-io-features-panel.tsx';
import { StageView } from './components/stage-view.tsx';
import { Timeline } from './components/timeline.tsx';
import { TransportColumn } from './components/transport-column.tsx';
import { UpstreamBox } from './components/upstream-box.tsx';
import { usePhoneWidth } from './components/use-phone-width.ts';
import { WireExplainer } from './components/wire-explainer.tsx';
import { WireInspector } from './components/wire-inspector.tsx';
import { configToSearch, type LabConfig } from './lab-config.ts';
import { useLab, useStore } from './lab-context.ts';
import { LessonRunner } from './lessons/lesson-runner.ts';
import { TRANSPORTS } from './palette.ts';
import './app.css';

// Loaded after the first render: its charts (Recharts) are half the page's script and it sits far below the fold.
const LoadPanel = lazy(() => import('./load-run/load-panel.tsx').then((m) => ({ default: m.LoadPanel })));

export function App({ initial }: { initial: LabConfig }) {
  const store = useStore();
  const [config, setConfig] = useState(initial);
  const lessons = useMemo(() => new LessonRunner(() => store.lessonSetting()), [store]);
  const status = useLab((s) => s.status);
  const phone = usePhoneWidth();

  useEffect(() => {
    const root = document.documentElement;
    if (config.theme === 'auto') delete root.dataset.theme;
    else root.dataset.theme = config.theme;
    root.classList.toggle('presenter', config.presenter);
  }, [config.theme, config.presenter]);

  const enabledKey = TRANSPORTS.map((t) => (config.enabled[t] ? 1 : 0)).join('');
  // biome-ignore lint/correctness/useExhaustiveDependencies: enabledKey stands for config.enabled
  useEffect(() => {
    store.configure({
      intervalMs: config.interval,
      timeoutMs: config.timeout,
      socketIoLane: config.lane,
      enabled: config.enabled,
      httpVersion: config.http,
      shortPollConditional: config.conditional,
    });
  }, [store, config.interval, config.timeout, config.lane, enabledKey, config.http, config.conditional]);

  // The feed's settings are the server's: follow them, whoever changed them.
  useEffect(() => {
    if (!status) return;
    setConfig((c) =>
      c.scenario === status.scenario && c.rate === status.ratePerSecond && c.payload === status.payloadBytes
        ? c
        : { ...c, scenario: status.scenario, rate: status.ratePerSecond, payload: status.payloadBytes },
    );
  }, [status]);

  useEffect(() => {
    const search = configToSearch(config);
    if (search !== window.location.search)
      window.history.replaceState(null, '', `${window.location.pathname}${search}`);
  }, [config]);

  // Below the columns, in page order: mounted one by one after the first render (useMountedOneByOne).
  const belowTheFold = [
    <SocketIoFeaturesPanel key="socket-io-features" lane={config.lane} />,
    <LessonsPanel key="lessons" runner={lessons} config={config} setConfig={setConfig} />,
    <ClassPanel key="class" presenter={config.presenter} />,
    <section key="charts" className="charts" aria-label="Comparison charts">
      <LatencyChart
        presenter={config.presenter}
        log={config.log}
        onLogChange={(log) => setConfig((c) => ({ ...c, log }))}
      />
      <BytesPerMessageChart presenter={config.presenter} />
      <RequestRateChart presenter={config.presenter} />
      <CumulativeBytesChart presenter={config.presenter} />
    </section>,
    <SegmentTable key="segments" />,
    <Timeline key="timeline" presenter={config.presenter} />,
    <ConnectionLimitPanel key="connection-limit" />,
    <Suspense key="load" fallback={null}>
      <LoadPanel presenter={config.presenter} />
    </Suspense>,
    <section key="pair" className="pair">
      <WireInspector />
      <UpstreamBox />
    </section>,
    <WireExplainer key="explainer" />,
    <Definitions key="definitions" />,
  ];
  const mounted = useMountedOneByOne(belowTheFold.length);

  if (config.view === 'stage') return <StageView config={config} setConfig={setConfig} runner={lessons} />;
  if (phone) return <PhoneView config={config} setConfig={setConfig} runner={lessons} />;

  return (
    <div className="page">
      <HeaderBar config={config} setConfig={setConfig} />
      <main>
        <ClassRoundPanel runner={lessons} variant="page" />
        <ControlsPanel config={config} setConfig={setConfig} />
        <NetworkPanel />
        <ScenarioNotice />
        <ClusterInstances />
        <section className="columns" aria-label="The transports, live">
          {TRANSPORTS.map((t) => (
            <TransportColumn
              key={t}
              transport={t}
              presenter={config.presenter}
              onToggle={(on) => setConfig((c) => ({ ...c, enabled: { ...c.enabled, [t]: on } }))}
            />
          ))}
        </section>
        {belowTheFold.slice(0, mounted)}
      </main>
    </div>
  );
}

/**
 * How many of `total` panels to show: none at the first render, then one more
 * each time the browser is idle after a commit, in a transition. The header,
 * controls and columns render first; the panels below them follow one per idle
 * moment, each a short render and a short commit, so neither the store's first
 * requests (the route, then the clients) nor the first numbers wait behind
 * them on a slow laptop.
 */
function useMountedOneByOne(total: number): number {
  const [mounted, setMounted] = useState(0);
  useEffect(() => {
    if (mounted >= total) return;
    return whenIdle(() => startTransition(() => setMounted(mounted + 1)));
  }, [mounted, total]);
  return mounted;
}

/** Calls `callback` when the browser is idle (at once where it cannot say, as in Safari); returns a cancel. */
function whenIdle(callback: () => void): () => void {
  if (typeof requestIdleCallback !== 'function') {
    const timer = setTimeout(callback, 0);
    return () => clearTimeout(timer);
  }
  const id = requestIdleCallback(callback);
  return () => cancelIdleCallback(id);
}
