/**
 * The base round trip to the lab: how long a small request takes on the
 * wire, read from the browser's Resource Timing (request sent → response
 * ended), so neither a busy main thread nor a request queued for a free
 * connection (see the six-connections demo) inflates it.
 */

/** The round trip of one resource entry (ms); null when the browser hides its timing or it makes no sense. */
export function roundTripOf(entry: Pick<PerformanceResourceTiming, 'requestStart' | 'responseEnd'>): number | null {
  if (!(entry.requestStart > 0) || !(entry.responseEnd >= entry.requestStart)) return null;
  return entry.responseEnd - entry.requestStart;
}

/**
 * Calls `onSample` with the round trip of every request whose path ends in `path`.
 * @returns a function that stops watching; null where Resource Timing is missing (use wall-clock times then)
 */
export function watchRoundTrips(path: string, onSample: (ms: number) => void): (() => void) | null {
  if (typeof PerformanceObserver === 'undefined') return null;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries() as PerformanceResourceTiming[]) {
      if (!entry.name.includes(path)) continue;
      const ms = roundTripOf(entry);
      if (ms !== null) onSample(ms);
    }
  });
  try {
    observer.observe({ type: 'resource' });
  } catch {
    return null;
  }
  return () => observer.disconnect();
}
