/** The load run for a component: a LoadRunWatch made once, watched while the component is mounted. */
import { useEffect, useMemo, useSyncExternalStore } from 'react';
import { LabApi, pageBaseUrl } from '../lab-api.ts';
import { teacherToken } from '../teacher-token.ts';
import { LoadRunWatch, type LoadRunWatchState } from './load-run-watch.ts';

export function useLoadRun(): { state: LoadRunWatchState; watch: LoadRunWatch } {
  const { watch, subscribe } = useMemo(() => {
    const listeners = new Set<() => void>();
    const made = new LoadRunWatch(new LabApi(pageBaseUrl(), teacherToken(window.location.search)), () => {
      for (const listener of listeners) listener();
    });
    return {
      watch: made,
      subscribe: (listener: () => void) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
  }, []);
  useEffect(() => {
    watch.watch();
    return () => watch.unwatch();
  }, [watch]);
  const state = useSyncExternalStore(subscribe, () => watch.state);
  return { state, watch };
}
