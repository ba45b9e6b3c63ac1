/**
 * Faults the conditioner injects: cut every connection, hold every byte for
 * a while, or cut connections at random until calm. Every client should come
 * back and resume by seq: the columns show reconnects, time to resume, gaps.
 */
import { useState } from 'react';
import { useLab, useStore } from '../lab-context.ts';
import './fault-buttons.css';

export function FaultButtons({ disabled }: { disabled: boolean }) {
  const store = useStore();
  const faults = useLab((s) => s.network?.faults ?? null);
  const open = useLab((s) => s.network?.openConnections ?? 0);
  const [stallSeconds, setStallSeconds] = useState(5);
  const [chaosSeconds, setChaosSeconds] = useState(2);
  const stalled = (faults?.stallRemainingMs ?? 0) > 0;
  const chaos = faults?.chaosEverySeconds ?? null;

  return (
    <fieldset className="network-faults" disabled={disabled}>
      <legend>Faults</legend>
      <div className="fault-row">
        <button
          type="button"
          className="fault"
          data-control="fault-drop-all"
          title="Cut every connection through the conditioner at once"
          onClick={() => void store.networkFault({ action: 'drop-all' })}
        >
          Drop all connections
        </button>
      </div>
      <div className="fault-row">
        <button
          type="button"
          className="fault"
          data-control="fault-stall"
          title="Deliver no byte for a while, with every connection left open"
          onClick={() => void store.networkFault({ action: 'stall', seconds: stallSeconds })}
        >
          Stall for
        </button>
        <SecondsInput name="stall-seconds" value={stallSeconds} min={1} max={600} onChange={setStallSeconds} />
      </div>
      <div className="fault-row">
        <button
          type="button"
          className="fault"
          data-control="fault-chaos"
          title="Cut each connection at random moments, on average once per period"
          onClick={() => void store.networkFault({ action: 'chaos', everySeconds: chaosSeconds })}
        >
          Chaos: a cut every
        </button>
        <SecondsInput name="chaos-seconds" value={chaosSeconds} min={0.5} max={3600} onChange={setChaosSeconds} />
        <button
          type="button"
          data-control="fault-calm"
          title="End chaos and any stall"
          disabled={!stalled && chaos === null}
          onClick={() => void store.networkFault({ action: 'calm' })}
        >
          Calm
        </button>
      </div>
      <p className="fault-state" data-network="faults">
        {stalled && (
          <span className="pill pill-paused">stalled, {Math.ceil((faults?.stallRemainingMs ?? 0) / 1000)} s left</span>
        )}
        {chaos !== null && <span className="pill pill-paused">chaos: a cut every ~{chaos} s</span>}
        <span>
          {open} open through the conditioner · {faults?.cutConnections ?? 0} cut so far
        </span>
      </p>
    </fieldset>
  );
}

function SecondsInput({
  name,
  value,
  min,
  max,
  onChange,
}: {
  name: string;
  value: number;
  min: number;
  max: number;
  onChange: (value: number) => void;
}) {
  // The text may be half typed ("" or "0."); the last valid number is what the button uses.
  const [text, setText] = useState(String(value));
  return (
    <span className="field-input">
      <input
        type="number"
        className="seconds"
        data-control={name}
        aria-label={name.replace('-', ' ')}
        value={text}
        min={min}
        max={max}
        step={0.5}
        onChange={(e) => {
          setText(e.target.value);
          const n = Number(e.target.value);
          if (e.target.value.trim() !== '' && Number.isFinite(n) && n >= min && n <= max) onChange(n);
        }}
        onBlur={() => setText(String(value))}
      />
      <span className="unit">s</span>
    </span>
  );
}
