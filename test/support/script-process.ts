/**
 * The lab's command lines as real processes, for tests: run a script to its
 * end, or start `server/main.ts` and wait for the URL it prints.
 */
import { type ChildProcess, spawn } from 'node:child_process';

const TSX = new URL('../../node_modules/.bin/tsx', import.meta.url).pathname;
const REPO = new URL('../..', import.meta.url).pathname;

export interface ScriptResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `script` (relative to the repository) with tsx until it exits; fails the test after `timeoutMs`. */
export function runScript(script: string, args: string[], timeoutMs = 30_000): Promise<ScriptResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [script, ...args], { cwd: REPO, env: { ...process.env, PORT: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} ${args.join(' ')} did not exit within ${timeoutMs} ms; stderr: ${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface LabProcess {
  child: ChildProcess;
  /** e.g. http://127.0.0.1:41234 (no trailing slash) */
  url: string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** Everything it printed on stdout so far. */
  output(): string;
}

/** `npm start` with `args` (add `--port 0`), resolved once it prints where it runs. */
export async function startLabProcess(args: string[], timeoutMs = 30_000): Promise<LabProcess> {
  const child = spawn(TSX, ['server/main.ts', ...args], { cwd: REPO, env: { ...process.env, PORT: '' } });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (d) => {
      out += d;
      const match = /running at (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
    setTimeout(() => reject(new Error(`no URL printed within ${timeoutMs} ms: ${out}`)), timeoutMs);
  });
  return { child, url, exited, output: () => out };
}
