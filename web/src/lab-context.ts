/**
 * How components reach the store: one context, and `useLab(select)`.
 * `select` must return a part of the snapshot (not a new object), so a
 * component re-renders only when its part changed.
 *
 * The clock's snapshots (four a second) reach the components in a transition, not
 * through useSyncExternalStore, whose updates React always renders in one
 * uninterruptible task: on a slow laptop that task grew past 100 ms and the
 * page stuttered. In a transition React renders in slices of a few
 * milliseconds and lets input and the clients' own messages in between. Every
 * component's update of one snapshot is in the same transition, so they show
 * the same snapshot when it commits. A snapshot that answers a control, or
 * shows a client's first figures, is drawn at once.
 */
import { createContext, startTransition, useContext, useEffect, useRef, useState } from 'react';
import type { LabSnapshot, LabStore } from './lab-store.ts';

export const LabContext = createContext<LabStore | null>(null);

export function useStore(): LabStore {
  const store = useContext(LabContext);
  if (!store) throw new Error('useStore needs a <LabContext.Provider>');
  return store;
}

export function useLab<T>(select: (snapshot: LabSnapshot) => T): T {
  const store = useStore();
  const [snapshot, setSnapshot] = useState(() => store.getSnapshot());
  const selected = select(snapshot);
  // What this render selected and how: a new snapshot whose part is the same one changes nothing here.
  const last = useRef({ select, selected });
  last.current = { select, selected };
  useEffect(() => {
    const follow = () => {
      const next = store.getSnapshot();
      if (Object.is(last.current.select(next), last.current.selected)) return;
      if (store.snapshotIsUrgent()) setSnapshot(next);
      else startTransition(() => setSnapshot(next));
    };
    follow(); // a snapshot published between this render and the subscription
    return store.subscribe(follow);
  }, [store]);
  return selected;
}
