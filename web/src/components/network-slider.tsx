/**
 * One range input that shows the lab's value, follows the hand while it is
 * dragged, and sends the new value once the hand rests (not on every pixel).
 */
import { useEffect, useRef, useState } from 'react';
import './network-slider.css';

interface Props {
  name: string;
  label: string;
  /** The lab's current value. */
  value: number;
  min: number;
  max: number;
  step: number;
  /** Value → slider position, for sliders whose steps are not even (bandwidth). */
  toPosition?: (value: number) => number;
  fromPosition?: (position: number) => number;
  format: (value: number) => string;
  onCommit: (value: number) => void;
}

const COMMIT_AFTER_MS = 350;
const same = (n: number): number => n;

export function NetworkSlider({
  name,
  label,
  value,
  min,
  max,
  step,
  toPosition = same,
  fromPosition = same,
  format,
  onCommit,
}: Props) {
  const [draft, setDraft] = useState<number | null>(null);
  const [seen, setSeen] = useState(value);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  // The lab's answer (or another page's change) replaces the draft: React's "adjust state on a prop change".
  if (seen !== value) {
    setSeen(value);
    setDraft(null);
  }
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  const shown = draft ?? value;

  return (
    <label className="network-slider">
      <span className="field-label">
        {label}: <strong data-network={name}>{format(shown)}</strong>
      </span>
      <input
        type="range"
        data-control={`network-${name}`}
        min={min}
        max={max}
        step={step}
        value={toPosition(shown)}
        onChange={(e) => {
          const next = fromPosition(Number(e.target.value));
          setDraft(next);
          if (timer.current) clearTimeout(timer.current);
          timer.current = setTimeout(() => {
            timer.current = null;
            if (next !== value) onCommit(next);
          }, COMMIT_AFTER_MS);
        }}
      />
    </label>
  );
}
