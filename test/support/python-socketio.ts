/**
 * Suites that need Debian's python3-socketio (with python3-requests and
 * python3-websocket) under /usr/bin/python3: skipped with a line saying why
 * and how to install them, except under `CI=true`, where a missing package is
 * a failing test (.ci/run installs them), as describeWithServices does.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'vitest';

/** Debian's interpreter, whose packages these are (a python3 earlier on PATH may have none of them). */
export const DEBIAN_PYTHON = '/usr/bin/python3';
export const PYTHON_SOCKETIO_INSTALL_HINT =
  'Install them with: apt-get install -y python3-socketio python3-requests python3-websocket (then /usr/bin/python3 has them).';

function pythonSocketIoProblem(): string | null {
  if (!existsSync(DEBIAN_PYTHON)) return `${DEBIAN_PYTHON} not found`;
  const check = spawnSync(DEBIAN_PYTHON, ['-c', 'import socketio, requests, websocket'], { encoding: 'utf8' });
  return check.status === 0 ? null : `${DEBIAN_PYTHON} cannot import socketio, requests and websocket`;
}

export function describeWithPythonSocketIo(name: string, body: () => void): void {
  const problem = pythonSocketIoProblem();
  if (problem === null) {
    describe(name, body);
  } else if (process.env.CI === 'true') {
    describe(`${name} (CI)`, () => {
      it('finds python3-socketio', () => {
        throw new Error(`CI=true but ${problem}. ${PYTHON_SOCKETIO_INSTALL_HINT}`);
      });
    });
  } else {
    const why = `${problem}. ${PYTHON_SOCKETIO_INSTALL_HINT}`;
    console.warn(`[${name}] skipped: ${why}`);
    describe.skip(`${name} — skipped: ${why}`, () => {
      it('needs python3-socketio', () => {});
    });
  }
}
