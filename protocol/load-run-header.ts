/**
 * The request header a load run the lab started itself carries its secret key
 * in (publish POSTs and the WebSocket upgrade), for the run's own upstream
 * budget: sent by load/load-run-key.ts, checked by server/security/upstream-budget.ts.
 */
export const LOAD_RUN_HEADER = 'x-lab-load-run';

/** The environment variable the lab hands a load run it starts its key in (read by load/load-run-key.ts). */
export const LOAD_RUN_KEY_ENV = 'LAB_LOAD_RUN_KEY';
