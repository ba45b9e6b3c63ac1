/**
 * A labelled number input that commits on Enter, on leaving the field, or
 * after a short pause in typing, so every keystroke is not a server call.
 */
import { useEffect, useRef, useState } from 'react';

interface Props {
  label: string;
  unit: string;
  value: number | null;
  min: number;
  max: number;
  step?: number;
  disabled?: boolean;
  name: string;
  onCommit: (value: number) => void;
}

const COMMIT_AFTER_MS = 700;

export function NumberField({ label, unit, value, min, max, step = 1, disabled = false, name, onCommit }: Props) {
  const [draft, setDraft] = useState(value === null ? '' : String(value));
  const editing = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  // Follow the outside value unless the user is typing.
  useEffect(() => {
    if (!editing.current) setDraft(value === null ? '' : String(value));
  }, [value]);

  const commit = (text: string): void => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    editing.current = false;
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
      setDraft(value === null ? '' : String(value));
      return;
    }
    if (n !== value) onCommit(n);
  };

  return (
    <label className="number-field">
      <span className="field-label">{label}</span>
      <span className="field-input">
        <input
          type="number"
          name={name}
          data-control={name}
          value={draft}
          min={min}
          max={max}
          step={step}
          disabled={disabled}
          onChange={(e) => {
            editing.current = true;
            const text = e.target.value;
            setDraft(text);
            if (timer.current) clearTimeout(timer.current);
            timer.current = setTimeout(() => commit(text), COMMIT_AFTER_MS);
          }}
          onBlur={(e) => {
            if (editing.current) commit(e.target.value);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') commit((e.target as HTMLInputElement).value);
          }}
        />
        <span className="unit">{unit}</span>
      </span>
    </label>
  );
}
