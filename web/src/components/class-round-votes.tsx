/**
 * The class's predictions: one bar per choice with its count, how many
 * answered, and once revealed, the choice the measurement bears out marked
 * beside the votes with the verdict and its sentence.
 */
import { VERDICT_WORDS } from '../../../lessons/lesson-markdown.ts';
import type { ClassRoundView } from '../../../protocol/class-round.ts';
import './class-round-votes.css';
import './lessons-panel.css';

interface Props {
  round: ClassRoundView;
  /** Browsers in the class view (the teacher's page), for "of N"; null when unknown. */
  browsers: number | null;
}

export function ClassRoundVotes({ round, browsers }: Props) {
  const most = Math.max(1, ...Object.values(round.votes));
  const right = round.phase === 'revealed' ? (round.verdict?.rightChoice ?? null) : null;
  const noun = round.answered === 1 ? 'prediction' : 'predictions';
  const of = browsers === null ? '' : ` · ${browsers} ${browsers === 1 ? 'browser' : 'browsers'} in the class`;
  return (
    <div className="round-votes" data-round-votes="">
      <p className="round-answered">
        <strong data-round-answered="">{round.answered}</strong>
        {` ${noun}${of}`}
      </p>
      <ul className="round-bars" aria-label="Predictions per choice">
        {round.choices.map((choice) => {
          const count = round.votes[choice.id] ?? 0;
          const share = round.answered > 0 ? Math.round((count / round.answered) * 100) : 0;
          const isRight = right === choice.id;
          return (
            <li
              key={choice.id}
              data-round-choice={choice.id}
              data-round-right={isRight ? '' : undefined}
              className={isRight ? 'round-right' : undefined}
            >
              <span className="round-choice-text">
                {isRight && <span className="round-mark">✓ measured: </span>}
                {choice.text}
              </span>
              <span className="round-bar" aria-hidden="true">
                <span className="round-bar-fill" style={{ width: `${(count / most) * 100}%` }} />
              </span>
              <span className="round-count">
                <strong data-round-count="">{count}</strong> <span className="muted">({share} %)</span>
              </span>
            </li>
          );
        })}
      </ul>
      {round.phase === 'revealed' && round.verdict && (
        <div className="round-verdict">
          <p>
            {round.verdict.verdict ? (
              <span
                className={`pill verdict verdict-${round.verdict.verdict}`}
                data-round-verdict={round.verdict.verdict}
              >
                {VERDICT_WORDS[round.verdict.verdict].replace(' …', '')}
              </span>
            ) : (
              <span className="pill" data-round-verdict="none">
                no verdict
              </span>
            )}
            {round.verdict.condition && <strong> {round.verdict.condition}</strong>}
          </p>
          <p data-round-sentence="">{round.verdict.sentence}</p>
        </div>
      )}
    </div>
  );
}
