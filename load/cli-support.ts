/**
 * What the load, sweep and bench command lines share: error reporting with
 * codes and exit status 2 for anything the user can fix, Ctrl-C that never
 * leaves a child server behind, a file-descriptor check, and writing files.
 */
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { HINTS, isLabError } from '../server/errors.ts';
import { UnreachableLabError } from './lab-api.ts';
import { ServerStartError } from './server-process.ts';

const EXTRA_HINTS: Record<string, string> = {
  LAB_ERR_UNREACHABLE: 'start a lab with npm start (it prints its URL), or leave out --url to let this tool start one',
  LAB_ERR_LAB_START: 'run npm start -- --port 0 with the same flags to see what the lab says',
};

/** Runs a command line's main: coded errors print `error LAB_ERR_…: message` and `hint: …` and exit 2. */
export function runCli(main: () => Promise<void>): void {
  // Exiting runs the 'exit' hooks that kill child servers (server-process.ts).
  process.once('SIGINT', () => {
    process.stderr.write('\nInterrupted: stopping the clients and any server this tool started.\n');
    process.exit(130);
  });
  process.once('SIGTERM', () => process.exit(143));
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      if (isLabError(error)) {
        process.stderr.write(`error ${error.code}: ${error.message}\nhint: ${HINTS[error.code]}\n`);
        process.exit(2);
      }
      if (error instanceof UnreachableLabError || error instanceof ServerStartError) {
        const hint = EXTRA_HINTS[error.code] ?? (error.code in HINTS ? HINTS[error.code as keyof typeof HINTS] : '');
        process.stderr.write(`error ${error.code}: ${error.message}\n${hint ? `hint: ${hint}\n` : ''}`);
        process.exit(error.code === 'LAB_ERR_LAB_START' ? 1 : 2);
      }
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}

/** The soft limit on open files of this process, from /proc; null where unknown. */
export function openFileLimit(): number | null {
  try {
    const match = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (!match?.[1]) return null;
    return match[1] === 'unlimited' ? Number.POSITIVE_INFINITY : Number(match[1]);
  } catch {
    return null;
  }
}

/** Warns (stderr) when `sockets` connections will not fit under this process's open-file limit. */
export function warnIfTooFewFiles(sockets: number): void {
  const limit = openFileLimit();
  const needed = sockets + 200; // plus what Node, the workers and the pools hold anyway
  if (limit !== null && limit < needed) {
    process.stderr.write(
      `warning: ${sockets.toLocaleString('en-US')} connections need about ${needed.toLocaleString('en-US')} open files, ` +
        `but this process may open ${limit.toLocaleString('en-US')}; raise it with \`ulimit -n ${needed}\` ` +
        '(the npm scripts raise the soft limit to the hard one)\n',
    );
  }
}

/** Writes a file, creating its folder; the path is relative to the directory the command was run in. */
export async function writeOutput(path: string, text: string): Promise<string> {
  const full = isAbsolute(path) ? path : resolve(process.env.INIT_CWD ?? process.cwd(), path);
  await mkdir(dirname(full), { recursive: true });
  await writeFile(full, text);
  return full;
}

/** A short random id for one run: client ids and file names carry it. */
export function newRunId(): string {
  return Math.random().toString(36).slice(2, 8);
}
