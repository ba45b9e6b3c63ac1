/**
 * A mark for `request`/`upgrade` listeners of the lab's server that only watch
 * and must see every request, including those of a transport that answers its
 * own path (see transports/own-path-dispatch.ts).
 */
const kObserver = Symbol('transport-lab.request-observer');

/**
 * Marks a `request`/`upgrade` listener that only watches (the slow-heads limit: "this head is
 * complete") and must see every request, the owned paths' too. Returns the listener.
 */
export function asRequestObserver<T extends (...args: never[]) => void>(listener: T): T {
  (listener as T & { [kObserver]?: true })[kObserver] = true;
  return listener;
}

/** Whether `listener` was marked with `asRequestObserver`. */
export function isRequestObserver(listener: unknown): boolean {
  return (listener as { [kObserver]?: true })[kObserver] === true;
}
