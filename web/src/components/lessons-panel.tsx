/**
 * Lessons: the claims of the notes a class learns from, each an experiment.
 * A learner predicts, runs it (the lab sets the conditions, measures for at
 * most 30 s in a segment of its own, then puts back what was there), and
 * reads the verdict computed from the measured numbers, beside the theory,
 * with a line to try it themselves. A result downloads as Markdown (and its
 * chart as PNG); a lesson's link opens it.
 */
import { type Dispatch, type SetStateAction, useRef, useState, useSyncExternalStore } from 'react';
import type { Lesson } from '../../../lessons/lesson.ts';
import { VERDICT_WORDS } from '../../../lessons/lesson-markdown.ts';
import { LESSONS } from '../../../lessons/lesson-registry.ts';
import { downloadChartPng, downloadLessonMarkdown } from '../export.ts';
import type { LabConfig } from '../lab-config.ts';
import { useLab, useStore } from '../lab-context.ts';
import type { LessonRunner } from '../lessons/lesson-runner.ts';
import { CONTAINED } from './contained.ts';
import { LessonFiguresChart } from './lesson-figures-chart.tsx';
import './lessons-panel.css';

interface Props {
  runner: LessonRunner;
  config: LabConfig;
  setConfig: Dispatch<SetStateAction<LabConfig>>;
}

export function LessonsPanel({ runner, config, setConfig }: Props) {
  const states = useSyncExternalStore(runner.subscribe, runner.getSnapshot);
  const access = useLab((s) => s.access);
  const ready = useLab((s) => s.segment !== null);
  const mayRun = !access?.controlNeedsToken || access.canControl;
  const busy = Object.values(states).some((s) => s.running);
  return (
    <section className="lessons panel" aria-label="Lessons" data-lessons="" style={CONTAINED}>
      <h2>Lessons: what the notes claim, measured here</h2>
      <p className="muted">
        Pick a claim, predict the outcome, then run it: the lab sets the conditions for everyone on it, measures for at
        most 30 s in a segment of its own, and puts back what was there. The verdict comes from the numbers.
      </p>
      <ul className="lesson-list">
        {LESSONS.map((lesson) => (
          <li key={lesson.id}>
            <LessonCard
              lesson={lesson}
              runner={runner}
              open={config.lesson === lesson.id}
              onOpen={(open) =>
                setConfig((c) => ({ ...c, lesson: open ? lesson.id : c.lesson === lesson.id ? null : c.lesson }))
              }
              mayAsk={mayRun}
              blocked={
                !mayRun
                  ? 'Only the teacher can run a lesson: it changes the feed and the network for everyone.'
                  : !ready
                    ? 'The page is still connecting to the lab.'
                    : busy && !runner.stateOf(lesson.id).running
                      ? 'Another lesson is running.'
                      : null
              }
            />
          </li>
        ))}
      </ul>
    </section>
  );
}

function LessonCard({
  lesson,
  runner,
  open,
  onOpen,
  mayAsk,
  blocked,
}: {
  lesson: Lesson;
  runner: LessonRunner;
  open: boolean;
  onOpen: (open: boolean) => void;
  /** This page may start a class round (the teacher's, or any page when the lab needs no token). */
  mayAsk: boolean;
  blocked: string | null;
}) {
  useSyncExternalStore(runner.subscribe, runner.getSnapshot);
  const store = useStore();
  const asking = useLab((s) => s.classRound?.lesson === lesson.id && s.classRound.phase === 'asking');
  const state = runner.stateOf(lesson.id);
  const judgement = state.result?.judgement ?? null;
  const seconds = lesson.plan.reduce((sum, run) => sum + (run.kind === 'feed' ? run.durationS : run.holdS), 0);
  const why = state.prediction === null ? 'Make your prediction first.' : blocked;
  return (
    <details
      className="lesson"
      data-lesson={lesson.id}
      open={open}
      onToggle={(e) => {
        if (e.currentTarget.open !== open) onOpen(e.currentTarget.open);
      }}
    >
      <summary>
        <span className="lesson-claim">“{lesson.claim}”</span>
        {judgement && <VerdictPill verdict={judgement.verdict} />}
      </summary>
      <p>{lesson.does}</p>
      <fieldset className="lesson-prediction">
        <legend>{lesson.prediction.question}</legend>
        {lesson.prediction.choices.map((choice) => (
          <label key={choice.id}>
            <input
              type="radio"
              name={`predict-${lesson.id}`}
              value={choice.id}
              checked={state.prediction === choice.id}
              disabled={state.running}
              data-control="lesson-prediction"
              onChange={() => runner.predict(lesson.id, choice.id)}
            />{' '}
            {choice.text}
          </label>
        ))}
      </fieldset>
      <div className="buttons">
        <button
          type="button"
          data-control="lesson-run"
          disabled={state.running || why !== null}
          title={why ?? `Sets the conditions, measures for about ${seconds} s, then restores them`}
          onClick={() => void runner.run(lesson.id)}
        >
          {state.running ? 'Running…' : `Run (about ${seconds} s)`}
        </button>
        {mayAsk && (
          <button
            type="button"
            data-control="class-ask"
            disabled={state.running || asking}
            title="Every student page shows this question and takes one prediction; the votes show above, live"
            onClick={() => void store.askTheClass(lesson)}
          >
            {asking ? 'The class is predicting…' : 'Ask the class'}
          </button>
        )}
        {why && !state.running && <span className="muted">{why}</span>}
      </div>
      {state.progress && <p data-lesson-progress="">{state.progress}</p>}
      {state.error && <p className="column-error">The lesson failed: {state.error}</p>}
      {state.result && <LessonOutcome lesson={lesson} runner={runner} />}
    </details>
  );
}

function VerdictPill({ verdict }: { verdict: keyof typeof VERDICT_WORDS }) {
  return (
    <span className={`pill verdict verdict-${verdict}`} data-lesson-verdict={verdict}>
      {VERDICT_WORDS[verdict].replace(' …', '')}
    </span>
  );
}

function LessonOutcome({ lesson, runner }: { lesson: Lesson; runner: LessonRunner }) {
  const chart = useRef<HTMLDivElement>(null);
  const [pngError, setPngError] = useState<string | null>(null);
  const state = runner.stateOf(lesson.id);
  const result = state.result;
  if (!result) return null;
  const judgement = result.judgement;
  const choiceText = (id: string | null | undefined): string =>
    lesson.prediction.choices.find((c) => c.id === id)?.text ?? '–';
  const markdown = (): void => {
    const text = runner.markdown(lesson);
    if (text) downloadLessonMarkdown(lesson.id, text);
  };
  const png = (): void => {
    if (!chart.current) return;
    downloadChartPng(chart.current, `Lesson: ${lesson.claim}`, [], `transport-lab-lesson-${lesson.id}.png`).then(
      () => setPngError(null),
      (e: unknown) => setPngError(e instanceof Error ? e.message : String(e)),
    );
  };
  return (
    <div className="lesson-outcome" data-lesson-outcome>
      <p className="muted">Measured under: {result.conditions.join(' · ')}</p>
      {judgement ? (
        <>
          <p className="lesson-verdict">
            <VerdictPill verdict={judgement.verdict} />
            {judgement.verdict === 'holds-if' && <strong> {judgement.condition}</strong>}
          </p>
          <p>{judgement.sentence}</p>
          <p data-lesson-prediction={state.predictedBeforeRun === judgement.rightChoice ? 'right' : 'wrong'}>
            You predicted <em>{choiceText(state.predictedBeforeRun)}</em>; the measurement says{' '}
            <em>{choiceText(judgement.rightChoice)}</em>
            {state.predictedBeforeRun === judgement.rightChoice ? ' — right.' : ' — not this time.'}
          </p>
          <div ref={chart}>
            <LessonFiguresChart
              measured={judgement.measured}
              theory={judgement.theory}
              label={`Measured figures of the lesson "${lesson.claim}", with theory where it predicts the same figure`}
            />
          </div>
        </>
      ) : (
        <p data-lesson-verdict="none">
          No verdict: {result.unavailable?.reason}. <span className="muted">{result.unavailable?.hint}</span>
        </p>
      )}
      <p>
        Try it yourself: <code>{lesson.tryIt}</code>
      </p>
      <div className="buttons">
        <button type="button" data-control="lesson-markdown" onClick={markdown}>
          Markdown
        </button>
        {judgement && (
          <button type="button" onClick={png}>
            PNG
          </button>
        )}
        <a href={window.location.search} title="This page's address: the setup, with this lesson open">
          link to this lesson
        </a>
      </div>
      {pngError && <p className="column-error">{pngError}</p>}
    </div>
  );
}
