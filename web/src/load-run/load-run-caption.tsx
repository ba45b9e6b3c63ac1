/** When the run shown ran and with which settings (load-run-caption-words.ts), its "ago" kept current. */
import { useEffect, useState } from 'react';
import type { LoadRunView } from '../../../protocol/load-run-view.ts';
import { loadRunCaption } from './load-run-caption-words.ts';

/** How often "… min ago" is written again, ms. */
const AGO_EVERY_MS = 15_000;

export function LoadRunCaption({ run }: { run: LoadRunView }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), AGO_EVERY_MS);
    return () => clearInterval(timer);
  }, []);
  // A new read of the run is a moment to bring "ago" up to date too.
  // biome-ignore lint/correctness/useExhaustiveDependencies: run stands for "the run was read again"
  useEffect(() => setNow(Date.now()), [run]);
  const words = loadRunCaption(run, now);
  if (!words) return null;
  return (
    <p className="load-caption" data-load="run-caption">
      {words}
    </p>
  );
}
