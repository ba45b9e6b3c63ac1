/**
 * The stage: the lab for a projector. Every transport's three headline
 * figures and the latency chart fit one screen (1024×768 and up); the
 * controls wait in a drawer, and the teacher steers with keys
 * (stage-shortcuts.ts; `?` lists them, Esc closes the drawer and the list). Reached by the page's "Stage view"
 * button or `?view=stage`. During a class round its question and votes take the chart's place.
 */
import { type CSSProperties, type Dispatch, type SetStateAction, useEffect, useRef, useState } from 'react';
import { LESSONS } from '../../../lessons/lesson-registry.ts';
import * as fmt from '../format.ts';
import type { LabConfig } from '../lab-config.ts';
import { useLab, useStore } from '../lab-context.ts';
import type { LabStore } from '../lab-store.ts';
import type { LessonRunner } from '../lessons/lesson-runner.ts';
import { TRANSPORTS } from '../palette.ts';
import { nextLessonId, SHORTCUT_LIST, type StageAction, stageShortcut } from '../stage-shortcuts.ts';
import { ByteKindLegend } from './byte-kind-legend.tsx';
import { ClassRoundPanel } from './class-round-panel.tsx';
import { ConditionsBadge } from './conditions-badge.tsx';
import { ControlsPanel } from './controls-panel.tsx';
import { JoinScreen } from './join-screen.tsx';
import { NetworkPanel } from './network-panel.tsx';
import { StageColumn } from './stage-column.tsx';
import { StageLatencyChart } from './stage-latency-chart.tsx';
import { useSharedLock } from './use-shared-lock.ts';
import './stage-view.css';

interface Props {
  config: LabConfig;
  setConfig: Dispatch<SetStateAction<LabConfig>>;
  /** The page's lesson runner: the teacher runs a class round's experiment from the stage. */
  runner: LessonRunner;
}

const LESSON_IDS = LESSONS.map((lesson) => lesson.id);
/** The keys that steer the lab for everyone (the rest are this page's own). */
const SHARED_ACTIONS: ReadonlySet<StageAction['kind']> = new Set(['scenario', 'drop-all', 'pause', 'ask-class']);
/** How long the line saying what a key did stays (ms). */
const SAID_FOR_MS = 4000;

/** Keys typed into a field are the field's, not the stage's. */
function typingInto(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName))
  );
}

export function StageView({ config, setConfig, runner }: Props) {
  const store = useStore();
  const status = useLab((s) => s.status);
  const scenario = useLab((s) => s.scenario);
  const controlError = useLab((s) => s.controlError);
  const [drawer, setDrawer] = useState(false);
  const [help, setHelp] = useState(false);
  const [joinOpen, setJoinOpen] = useState(false);
  const access = useLab((s) => s.access);
  const mayInvite = access ? !access.controlNeedsToken || access.canControl : false;
  const [said, setSaid] = useState<string | null>(null);
  // The key handler is bound once; it reads the newest state through this.
  const locked = useSharedLock();
  const latest = useRef({ store, status, locked, setConfig, setHelp, setSaid, lessonId: config.lesson });
  latest.current = { store, status, locked, setConfig, setHelp, setSaid, lessonId: config.lesson };

  // What a key did stays on screen a few seconds, then gets out of the way.
  useEffect(() => {
    if (!said) return;
    const timer = setTimeout(() => setSaid(null), SAID_FOR_MS);
    return () => clearTimeout(timer);
  }, [said]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (event.key === 'Escape') {
        setDrawer(false);
        setHelp(false);
        return;
      }
      if (typingInto(event.target)) return;
      const action = stageShortcut(event.key, event.ctrlKey || event.altKey || event.metaKey);
      if (!action) return;
      event.preventDefault();
      perform(action, latest.current);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const lesson = LESSONS.find((l) => l.id === config.lesson) ?? null;
  const roundOn = useLab((s) => Boolean(s.classRound?.phase));

  return (
    <main
      className="stage"
      data-view="stage"
      data-access={access?.controlNeedsToken ? (access.canControl ? 'teacher' : 'watching') : undefined}
      style={{ '--stage-columns': TRANSPORTS.length } as CSSProperties}
    >
      <header className="stage-bar">
        <h1>Transport Lab</h1>
        <p className="stage-feed" data-feed="status">
          {status ? (
            <>
              <strong>{scenario?.title ?? status.scenario}</strong>
              <span>{fmt.rate(status.ratePerSecond)} events/s</span>
              <span className={status.running ? 'pill pill-open' : 'pill pill-paused'} data-feed="running">
                {status.running ? 'publishing' : 'paused'}
              </span>
              <ConditionsBadge />
            </>
          ) : (
            <span>connecting to the lab…</span>
          )}
        </p>
        <div className="stage-buttons">
          <button
            type="button"
            data-control="stage-drawer"
            aria-expanded={drawer}
            aria-controls="stage-drawer"
            onClick={() => setDrawer((open) => !open)}
          >
            Controls
          </button>
          <button
            type="button"
            data-control="stage-keys"
            aria-expanded={help}
            aria-controls="stage-keys"
            onClick={() => setHelp((open) => !open)}
          >
            Keys (?)
          </button>
          {mayInvite && (
            <button type="button" data-control="show-join-code" onClick={() => setJoinOpen(true)}>
              Join code
            </button>
          )}
          <button type="button" data-control="leave-stage" onClick={() => setConfig((c) => ({ ...c, view: 'page' }))}>
            Whole page
          </button>
        </div>
      </header>
      {(said || controlError) && (
        <p className="stage-said" role="status" data-stage-said>
          {controlError ? `${controlError.message}${controlError.hint ? ` — ${controlError.hint}` : ''}` : said}
        </p>
      )}
      {/* During a class round its panel names the claim: once is enough on a 720 px screen. */}
      {lesson && !roundOn && (
        <p className="stage-lesson" data-lesson={lesson.id}>
          Lesson: <strong>{lesson.claim}</strong>
        </p>
      )}
      <section className="stage-columns" aria-label="Every transport's headline figures, live">
        {TRANSPORTS.map((t) => (
          <StageColumn key={t} transport={t} />
        ))}
      </section>
      <ByteKindLegend />
      {/* During a class round the predictions take the chart's place: that is what the room looks at. */}
      {roundOn ? <ClassRoundPanel runner={runner} variant="stage" /> : <StageLatencyChart log={config.log} />}

      {drawer && (
        <aside id="stage-drawer" className="stage-drawer" aria-label="Controls" data-stage-drawer>
          <button
            type="button"
            className="stage-close"
            data-control="stage-drawer-close"
            onClick={() => setDrawer(false)}
          >
            Close controls (Esc)
          </button>
          <ControlsPanel config={config} setConfig={setConfig} />
          <NetworkPanel />
        </aside>
      )}
      {joinOpen && <JoinScreen onClose={() => setJoinOpen(false)} />}
      {help && (
        <aside id="stage-keys" className="stage-keys" aria-label="Keyboard shortcuts" data-stage-keys>
          <h2>Keys on the stage</h2>
          <dl>
            {SHORTCUT_LIST.map((item) => (
              <div key={item.keys}>
                <dt>
                  <kbd>{item.keys}</kbd>
                </dt>
                <dd>{item.does}</dd>
              </div>
            ))}
          </dl>
          <button type="button" onClick={() => setHelp(false)}>
            Close
          </button>
        </aside>
      )}
    </main>
  );
}

interface Context {
  store: LabStore;
  status: ReturnType<LabStore['getSnapshot']>['status'];
  /** Why this page may not steer the lab; null when it may. */
  locked: string | null;
  setConfig: Dispatch<SetStateAction<LabConfig>>;
  setHelp: Dispatch<SetStateAction<boolean>>;
  setSaid: Dispatch<SetStateAction<string | null>>;
  /** The lesson open on the stage, if any. */
  lessonId: string | null;
}

/** Does what a key asks, and says it on the stage so the room knows what changed. */
function perform(action: StageAction, { store, status, locked, setConfig, setHelp, setSaid, lessonId }: Context): void {
  // A student's stage says why a shared key does nothing, instead of sending a request the lab would refuse.
  if (locked && SHARED_ACTIONS.has(action.kind)) {
    setSaid(locked);
    return;
  }
  switch (action.kind) {
    case 'scenario': {
      const chosen = store.getSnapshot().scenarios[action.index];
      if (!chosen) {
        setSaid(`There is no scenario ${action.index + 1}.`);
        return;
      }
      setSaid(`Scenario: ${chosen.title}`);
      void store.applyFeedSettings({ scenario: chosen.id });
      return;
    }
    case 'drop-all':
      setSaid('Every connection through the conditioner was cut: watch them resume.');
      void store.networkFault({ action: 'drop-all' });
      return;
    case 'new-segment':
      setSaid('New segment: the figures count from now.');
      store.newSegment();
      return;
    case 'pause': {
      const running = status?.running ?? true;
      setSaid(running ? 'Feed paused.' : 'Feed resumed.');
      void store.applyFeedSettings({ running: !running });
      return;
    }
    case 'next-lesson':
      setConfig((c) => ({ ...c, lesson: nextLessonId(c.lesson, LESSON_IDS) }));
      return;
    case 'ask-class': {
      const open = LESSONS.find((l) => l.id === lessonId);
      if (!open) {
        setSaid('Open a lesson first (L), then A asks the class its question.');
        return;
      }
      setSaid(`Asked the class: ${open.prediction.question}`);
      void store.askTheClass(open);
      return;
    }
    case 'help':
      setHelp((open) => !open);
      return;
  }
}
