/**
 * The controls: the feed's settings (the server's, for everyone watching),
 * this page's client settings, and pause / restart / a new segment.
 */
import type { Dispatch, SetStateAction } from 'react';
import { type LabConfig, LIMITS } from '../lab-config.ts';
import { useLab, useStore } from '../lab-context.ts';
import { ClientSettingsFields } from './client-settings-fields.tsx';
import { CONTAINED } from './contained.ts';
import { NumberField } from './number-field.tsx';
import { useSharedLock } from './use-shared-lock.ts';
import './controls-panel.css';

interface Props {
  config: LabConfig;
  setConfig: Dispatch<SetStateAction<LabConfig>>;
}

export function ControlsPanel({ config, setConfig }: Props) {
  const store = useStore();
  const status = useLab((s) => s.status);
  const scenarios = useLab((s) => s.scenarios);
  const controlError = useLab((s) => s.controlError);
  const running = status?.running ?? true;
  const locked = useSharedLock();

  return (
    <section className="controls" aria-label="Controls" style={CONTAINED}>
      <fieldset
        disabled={locked !== null}
        title={locked ?? undefined}
        aria-describedby={locked ? 'feed-locked' : undefined}
      >
        <legend>The feed (for everyone on this lab)</legend>
        {locked && (
          <p className="why-disabled" id="feed-locked" data-why-disabled="feed">
            {locked}
          </p>
        )}
        <label className="scenario-field">
          <span className="field-label">Scenario</span>
          <select
            data-control="scenario"
            value={status?.scenario ?? ''}
            onChange={(e) => void store.applyFeedSettings({ scenario: e.target.value })}
          >
            {status && !scenarios.some((s) => s.id === status.scenario) && (
              <option value={status.scenario}>{status.scenario}</option>
            )}
            {scenarios.map((s) => (
              <option key={s.id} value={s.id} title={s.summary}>
                {s.title}
              </option>
            ))}
          </select>
        </label>
        <NumberField
          name="rate"
          label="Event rate"
          unit="events/s"
          value={status?.ratePerSecond ?? null}
          min={LIMITS.rate.min}
          max={LIMITS.rate.max}
          step={1}
          onCommit={(ratePerSecond) => void store.applyFeedSettings({ ratePerSecond })}
        />
        <NumberField
          name="payload"
          label="Data size"
          unit="bytes"
          value={status?.payloadBytes ?? null}
          min={LIMITS.payload.min}
          max={LIMITS.payload.max}
          step={10}
          onCommit={(payloadBytes) => void store.applyFeedSettings({ payloadBytes })}
        />
        <div className="buttons">
          <button
            type="button"
            data-control="pause"
            onClick={() => void store.applyFeedSettings({ running: !running })}
          >
            {running ? 'Pause feed' : 'Resume feed'}
          </button>
          <button
            type="button"
            data-control="restart"
            title="Start a new epoch: every client sees a reset and counts a gap"
            onClick={() => void store.restartFeed()}
          >
            Restart feed
          </button>
        </div>
      </fieldset>
      <fieldset>
        <legend>This page's clients</legend>
        <ClientSettingsFields config={config} setConfig={setConfig} />
      </fieldset>
      {controlError && (
        <div className="control-error" role="alert">
          <strong>{controlError.message}</strong>
          {controlError.hint && <span> — {controlError.hint}</span>}
          <button type="button" onClick={() => store.dismissControlError()} aria-label="Dismiss">
            ×
          </button>
        </div>
      )}
    </section>
  );
}
