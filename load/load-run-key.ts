/**
 * A load run the lab started itself (the dashboard's load panel) gets an
 * upstream budget of its own: the lab hands the child a secret key in its
 * environment, and every upstream request of its clients (publish POSTs, the
 * WebSocket upgrade) carries it in `x-lab-load-run`. Runs started by hand
 * carry none, and share their address's budget like any other sender.
 */

import { LOAD_RUN_HEADER, LOAD_RUN_KEY_ENV } from '../protocol/load-run-header.ts';

/** The header to add to upstream requests: the run's key when the lab started this process, else none. */
export function loadRunKeyHeader(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const key = env[LOAD_RUN_KEY_ENV];
  return key ? { [LOAD_RUN_HEADER]: key } : {};
}
