/**
 * The teacher's keys on the stage: one key per action, so a class sees the
 * change without anyone reaching for the drawer. The stage view binds them;
 * this file only says which key means what.
 */

/** What a key asks the stage to do. */
export type StageAction =
  | { kind: 'scenario'; index: number }
  | { kind: 'drop-all' }
  | { kind: 'new-segment' }
  | { kind: 'pause' }
  | { kind: 'next-lesson' }
  | { kind: 'ask-class' }
  | { kind: 'help' };

/** How many scenarios have a key of their own (1 … 6). */
export const SCENARIO_KEYS = 6;

/** The keys as the help overlay lists them, in this order. */
export const SHORTCUT_LIST: ReadonlyArray<{ keys: string; does: string }> = [
  { keys: `1 … ${SCENARIO_KEYS}`, does: 'play scenario 1 … 6 (for everyone on this lab)' },
  { keys: 'D', does: 'drop every connection through the network conditioner' },
  { keys: 'R', does: 'start a new segment: the figures count from now' },
  { keys: 'P', does: 'pause or resume the feed' },
  { keys: 'L', does: 'open the next lesson' },
  { keys: 'A', does: "ask the class the open lesson's question (every student page takes a prediction)" },
  { keys: '?', does: 'show or hide these keys' },
];

/**
 * The action of a key (`KeyboardEvent.key`), or null for a key that means
 * nothing here. Letters count in either case; a key held with Ctrl, Alt or
 * Meta is the browser's, never the stage's.
 */
export function stageShortcut(key: string, modified = false): StageAction | null {
  if (modified) return null;
  if (/^[1-9]$/.test(key)) {
    const index = Number(key) - 1;
    return index < SCENARIO_KEYS ? { kind: 'scenario', index } : null;
  }
  switch (key.toLowerCase()) {
    case 'd':
      return { kind: 'drop-all' };
    case 'r':
      return { kind: 'new-segment' };
    case 'p':
      return { kind: 'pause' };
    case 'l':
      return { kind: 'next-lesson' };
    case 'a':
      return { kind: 'ask-class' };
    case '?':
      return { kind: 'help' };
    default:
      return null;
  }
}

/** The lesson after `current` in `ids`, wrapping round; the first when none (or an unknown one) is open. */
export function nextLessonId(current: string | null, ids: readonly string[]): string | null {
  if (ids.length === 0) return null;
  const at = current === null ? -1 : ids.indexOf(current);
  return ids[(at + 1) % ids.length] ?? null;
}
