/** The load run's settings: clients per transport, duration, transports; Start and Stop. Locked while a run goes. */
import { useState } from 'react';
import type { TransportName } from '../../../protocol/feed-event.ts';
import type { LoadRunRequest } from '../../../protocol/load-run-view.ts';
import { TRANSPORT_LOOK, TRANSPORTS } from '../palette.ts';
import { checkLoadForm, MAX_CLIENTS, MAX_DURATION_S } from './load-form-problem.ts';
import { TransportSwatch } from './transport-swatch.tsx';

interface LoadRunFormProps {
  /** A run is starting or running. */
  active: boolean;
  /** A start or stop is on its way. */
  sending: boolean;
  onStart: (request: LoadRunRequest) => void;
  onStop: () => void;
}

export function LoadRunForm({ active, sending, onStart, onStop }: LoadRunFormProps) {
  const [clientsText, setClientsText] = useState('10');
  const [durationText, setDurationText] = useState('30');
  const [chosen, setChosen] = useState<Record<TransportName, boolean>>(
    () => Object.fromEntries(TRANSPORTS.map((t) => [t, true])) as Record<TransportName, boolean>,
  );
  const check = checkLoadForm(
    clientsText,
    durationText,
    TRANSPORTS.filter((t) => chosen[t]),
  );
  return (
    <form
      className="load-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (check.ok) onStart(check.request);
      }}
    >
      <label className="number-field">
        <span className="field-label">Clients per transport</span>
        <input
          type="number"
          data-control="load-clients"
          min={1}
          max={MAX_CLIENTS}
          step={1}
          value={clientsText}
          disabled={active}
          onChange={(e) => setClientsText(e.target.value)}
        />
      </label>
      <label className="number-field">
        <span className="field-label">Duration</span>
        <span className="field-input">
          <input
            type="number"
            data-control="load-duration"
            min={1}
            max={MAX_DURATION_S}
            step={1}
            value={durationText}
            disabled={active}
            onChange={(e) => setDurationText(e.target.value)}
          />
          <span className="unit">s</span>
        </span>
      </label>
      <fieldset className="load-transports" disabled={active}>
        <legend>Transports</legend>
        {TRANSPORTS.map((t) => (
          <label key={t} className="load-transport">
            <input
              type="checkbox"
              data-control={`load-transport-${t}`}
              checked={chosen[t]}
              onChange={(e) => setChosen((c) => ({ ...c, [t]: e.target.checked }))}
            />
            <TransportSwatch transport={t} /> {TRANSPORT_LOOK[t].label}
          </label>
        ))}
      </fieldset>
      <div className="buttons">
        <button type="submit" data-control="load-start" disabled={active || sending || !check.ok}>
          Start
        </button>
        <button type="button" data-control="load-stop" disabled={!active || sending} onClick={onStop}>
          Stop
        </button>
      </div>
      {!check.ok && !active && (
        <p className="load-form-problem" data-load="form-problem">
          {check.problem}
        </p>
      )}
    </form>
  );
}
