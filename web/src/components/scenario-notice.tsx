/** The scenario's teaching text: what to look at while it runs. */
import { useLab } from '../lab-context.ts';
import './scenario-notice.css';

export function ScenarioNotice() {
  const scenario = useLab((s) => s.scenario);
  if (!scenario) return null;
  return (
    <section className="notice" aria-label="What to notice">
      <h2>
        What to notice{' '}
        <span className="muted">
          — {scenario.title}: {scenario.summary}
        </span>
      </h2>
      <p data-scenario={scenario.id}>{scenario.notice}</p>
    </section>
  );
}
