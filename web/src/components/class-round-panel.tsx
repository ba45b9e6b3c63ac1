/**
 * The class predicts. On the teacher's page (and stage): the lesson's
 * question, the class's predictions live, "Run the experiment" (the lesson
 * runs on this page and the votes close), then "Reveal the answer" puts the
 * measured answer beside the votes. On a student's page (and phone): the
 * question and its choices, one prediction that may change until the run,
 * then the votes and the verdict once revealed. Nothing shows without a round.
 */
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { findLesson } from '../../../lessons/lesson-registry.ts';
import type { ClassRoundView } from '../../../protocol/class-round.ts';
import { useLab, useStore } from '../lab-context.ts';
import type { LessonRunner, LessonState } from '../lessons/lesson-runner.ts';
import { ClassRoundVotes } from './class-round-votes.tsx';
import './class-round-panel.css';

interface Props {
  /** The teacher's lesson runner (it runs the experiment); null where the page has none. */
  runner: LessonRunner | null;
  variant: 'page' | 'stage' | 'phone';
}

const PHASE_WORDS = {
  asking: 'taking predictions',
  running: 'votes closed: measuring',
  revealed: 'measured',
} as const;

export function ClassRoundPanel({ runner, variant }: Props) {
  const round = useLab((s) => s.classRound);
  const teacher = useLab((s) => (s.access ? !s.access.controlNeedsToken || s.access.canControl : false));
  const error = useLab((s) => s.classRoundError);
  const store = useStore();
  const box = useRef<HTMLElement>(null);
  const on = Boolean(round?.phase);
  const roundNumber = round?.round ?? 0;
  // A new round comes into view on the whole page: the question is what the class should see now.
  useEffect(() => {
    if (on && roundNumber > 0 && variant === 'page') box.current?.scrollIntoView({ block: 'start' });
  }, [on, roundNumber, variant]);
  if (!round?.phase || !round.lesson) return null;
  return (
    <section
      ref={box}
      className={`class-round panel class-round-${variant}`}
      aria-label="The class predicts"
      data-class-round={round.phase}
      data-round-lesson={round.lesson}
      data-round-access={teacher ? 'teacher' : 'student'}
    >
      <div className="panel-head">
        <h2>{teacher ? 'The class predicts' : 'Your teacher asks'}</h2>
        <span className={`pill round-phase round-phase-${round.phase}`}>{PHASE_WORDS[round.phase]}</span>
      </div>
      <p className="round-claim">
        Claim: <em>“{round.claim}”</em>
      </p>
      {teacher ? <TeacherSide round={round} runner={runner} /> : <StudentSide round={round} />}
      {error && (
        <div className="control-error" role="alert" data-round-error="">
          <strong>{error.message}</strong>
          {error.hint && <span> — {error.hint}</span>}
          <button type="button" onClick={() => store.dismissClassRoundError()} aria-label="Dismiss">
            ×
          </button>
        </div>
      )}
    </section>
  );
}

function TeacherSide({ round, runner }: { round: ClassRoundView; runner: LessonRunner | null }) {
  const store = useStore();
  const browsers = useLab((s) => s.classView?.browsers ?? null);
  const result = useLab((s) => s.classRoundResult);
  const ready = useLab((s) => s.segment !== null);
  const states = useSyncExternalStore(runner?.subscribe ?? noSubscribe, runner?.getSnapshot ?? (() => NO_STATES));
  const lesson = round.lesson ? findLesson(round.lesson) : undefined;
  const state = round.lesson ? states[round.lesson] : undefined;
  const busy = Object.values(states).some((s) => s.running);
  const seconds = lesson?.plan.reduce((sum, run) => sum + (run.kind === 'feed' ? run.durationS : run.holdS), 0) ?? 0;
  const runWhy =
    !runner || !lesson
      ? 'This page cannot run the lesson: open the whole page.'
      : !ready
        ? 'The page is still connecting to the lab.'
        : busy
          ? 'A lesson is running.'
          : null;
  return (
    <>
      <p className="round-question">
        <strong>{round.question}</strong>
      </p>
      <ClassRoundVotes round={round} browsers={browsers} />
      <div className="buttons">
        {round.phase === 'asking' && (
          <button
            type="button"
            data-control="round-run"
            disabled={runWhy !== null}
            title={runWhy ?? `Closes the votes, then measures for about ${seconds} s`}
            onClick={() => round.lesson && void runner?.run(round.lesson)}
          >
            Close the votes and run (about {seconds} s)
          </button>
        )}
        {round.phase === 'running' && (
          <>
            <button
              type="button"
              data-control="round-reveal"
              disabled={result === null}
              title={result === null ? 'The answer shows once the experiment has measured it' : undefined}
              onClick={() => void store.revealToTheClass()}
            >
              Reveal the answer
            </button>
            {/* Votes closed but nothing measured here (a reload, a failed run): run it again. */}
            {result === null && !state?.running && (
              <button
                type="button"
                data-control="round-run"
                disabled={runWhy !== null}
                title={runWhy ?? `Measures for about ${seconds} s`}
                onClick={() => round.lesson && void runner?.run(round.lesson)}
              >
                Run the experiment (about {seconds} s)
              </button>
            )}
            {state?.running && <span data-round-progress="">{state.progress ?? 'measuring…'}</span>}
            {!state?.running && result === null && state?.error && (
              <span className="column-error">The lesson failed: {state.error}</span>
            )}
          </>
        )}
        <button type="button" data-control="round-end" onClick={() => void store.endClassRound()}>
          End the round
        </button>
        {round.phase === 'asking' && runWhy && <span className="muted">{runWhy}</span>}
      </div>
    </>
  );
}

function StudentSide({ round }: { round: ClassRoundView }) {
  const store = useStore();
  // The click shows at once; the lab's answer (yourVote) confirms it, or puts back what it holds.
  const [pending, setPending] = useState<{ round: number; choice: string } | null>(null);
  const checked = pending?.round === round.round ? pending.choice : round.yourVote;
  const choose = (choice: string): void => {
    const mine = { round: round.round, choice };
    setPending(mine);
    void store.predict(choice).finally(() => setPending((p) => (p === mine ? null : p)));
  };
  const asking = round.phase === 'asking';
  const mine = round.choices.find((c) => c.id === round.yourVote)?.text ?? null;
  const right = round.verdict?.rightChoice ?? null;
  return (
    <>
      {/* Once revealed, the votes below show the choices; "You predicted" says which was this page's. */}
      {round.phase !== 'revealed' && (
        <fieldset className="round-choices" disabled={!asking}>
          <legend className="round-question">{round.question}</legend>
          {round.choices.map((choice) => (
            <label key={choice.id}>
              <input
                type="radio"
                name={`round-${round.round}`}
                value={choice.id}
                checked={checked === choice.id}
                data-control="round-choice"
                onChange={() => choose(choice.id)}
              />{' '}
              {choice.text}
            </label>
          ))}
        </fieldset>
      )}
      <p className="round-yours" data-round-yours={round.yourVote ?? ''}>
        {asking
          ? mine
            ? `Your prediction: ${mine}. You can change it until the experiment starts.`
            : 'Pick one: the class’s predictions show once the teacher reveals the measured answer.'
          : round.phase === 'running'
            ? `Votes are closed: the teacher is running the experiment.${mine ? ` You predicted: ${mine}.` : ''}`
            : null}
      </p>
      {round.phase === 'revealed' && (
        <>
          <ClassRoundVotes round={round} browsers={null} />
          <p data-round-you={mine === null ? 'none' : round.yourVote === right ? 'right' : 'wrong'}>
            {mine === null
              ? 'You did not predict this time.'
              : round.yourVote === right
                ? `You predicted “${mine}” — right.`
                : `You predicted “${mine}” — not this time.`}
          </p>
        </>
      )}
    </>
  );
}

const NO_STATES: Readonly<Record<string, LessonState>> = {};
const noSubscribe = (): (() => void) => () => {};
