/**
 * `npm run lessons` flags, checked once; a mistake is a LAB_ERR_BAD_FLAG (exit 2).
 */
import { LESSON_IDS } from '../lessons/lesson-registry.ts';
import { loopbackUrlFlag } from '../load/loopback-url.ts';
import { LabErrors } from '../server/errors.ts';
import { parseFlags, str, wholeNumberFlag } from '../server/flag-values.ts';

export interface LessonsFlags {
  help: boolean;
  /** Lesson ids to run, in the registry's order; all when --only is absent. */
  only: string[];
  json: boolean;
  /** A running lab (loopback only); undefined = start one of our own. */
  url: string | undefined;
  /** The own lab's generator seed, so reruns agree. */
  seed: number;
  /** Also write every result as Markdown to this file. */
  markdown: string | undefined;
}

/** The own lab's seed when --seed is absent. */
export const DEFAULT_LESSON_SEED = 42;

export const LESSONS_USAGE = `Usage: npm run lessons -- [options]

Runs the claims from the notes as experiments against a lab and prints, for
each, the verdict the measurements give (holds, holds only if …, does not
hold) with the key numbers. Without --url it starts a seeded lab of its own
with a network conditioner on free loopback ports.

Options:
  --only <id,…>       run only these lessons (default all):
                      ${LESSON_IDS.join(',\n                      ')}
  --json              print {"lessons":[…]} on stdout (progress goes to stderr)
  --markdown <file>   also write the results as Markdown, for handing in
  --url <lab url>     run against a lab already running on this machine
                      (loopback only); its feed and network are restored after
  --seed <n>          the own lab's generator seed (default ${DEFAULT_LESSON_SEED})
  -h, --help          show this help`;

export function parseLessonsFlags(argv: string[]): LessonsFlags {
  const values = parseFlags(argv, {
    help: { type: 'boolean', short: 'h' },
    only: { type: 'string' },
    json: { type: 'boolean' },
    markdown: { type: 'string' },
    url: { type: 'string' },
    seed: { type: 'string' },
  });
  const url = str(values, 'url');
  if (url !== undefined && str(values, 'seed') !== undefined) {
    throw LabErrors.BAD_FLAG('--seed applies to the lab this tool starts; leave it out with --url');
  }
  return {
    help: values.help === true,
    only: onlyFlag(str(values, 'only')),
    json: values.json === true,
    url: url === undefined ? undefined : loopbackUrlFlag('--url', url),
    seed: wholeNumberFlag('--seed', str(values, 'seed'), 0, 2 ** 32 - 1, DEFAULT_LESSON_SEED),
    markdown: str(values, 'markdown'),
  };
}

function onlyFlag(text: string | undefined): string[] {
  if (text === undefined) return [...LESSON_IDS];
  const ids = text
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  if (ids.length === 0) throw LabErrors.BAD_FLAG('--only needs lesson ids, e.g. --only websocket-headers-once');
  for (const id of ids) {
    if (!LESSON_IDS.includes(id)) {
      throw LabErrors.BAD_FLAG(
        `--only: unknown lesson ${JSON.stringify(id)}; the lessons are ${LESSON_IDS.join(', ')}`,
      );
    }
  }
  return LESSON_IDS.filter((id) => ids.includes(id));
}
