/**
 * How components reach the store: one context, and `useLab(select)` built on
 * useSyncExternalStore. `select` must return a part of the snapshot (not a
 * new object), so a component re-renders only when its part changed.
 */
import { createContext, useContext, useSyncExternalStore } from 'react';
import type { LabSnapshot, LabStore } from './lab-store.ts';

export const LabContext = createContext<LabStore | null>(null);

export function useStore(): LabStore {
  const store = useContext(LabContext);
  if (!store) throw new Error('useStore needs a <LabContext.Provider>');
  return store;
}

export function useLab<T>(select: (snapshot: LabSnapshot) => T): T {
  const store = useStore();
  return useSyncExternalStore(store.subscribe, () => select(store.getSnapshot()));
}
