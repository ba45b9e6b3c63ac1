/** The stage's keys: each one names its action, nothing else is taken from the browser. */
import { describe, expect, it } from 'vitest';
import { nextLessonId, SCENARIO_KEYS, stageShortcut } from './stage-shortcuts.ts';

describe('the stage shortcuts', () => {
  it('maps 1 … 6 to the scenarios in list order and leaves 7 … 9 alone', () => {
    for (let n = 1; n <= SCENARIO_KEYS; n++)
      expect(stageShortcut(String(n))).toEqual({ kind: 'scenario', index: n - 1 });
    expect(stageShortcut('7')).toBeNull();
    expect(stageShortcut('0')).toBeNull();
  });

  it('maps the letters in either case, and ? to the help', () => {
    expect(stageShortcut('d')).toEqual({ kind: 'drop-all' });
    expect(stageShortcut('D')).toEqual({ kind: 'drop-all' });
    expect(stageShortcut('R')).toEqual({ kind: 'new-segment' });
    expect(stageShortcut('p')).toEqual({ kind: 'pause' });
    expect(stageShortcut('L')).toEqual({ kind: 'next-lesson' });
    expect(stageShortcut('a')).toEqual({ kind: 'ask-class' });
    expect(stageShortcut('A')).toEqual({ kind: 'ask-class' });
    expect(stageShortcut('?')).toEqual({ kind: 'help' });
  });

  it('takes no key held with a modifier and no other key', () => {
    expect(stageShortcut('r', true)).toBeNull();
    expect(stageShortcut('1', true)).toBeNull();
    expect(stageShortcut('x')).toBeNull();
    expect(stageShortcut('Enter')).toBeNull();
  });

  it('steps through the lessons and wraps round', () => {
    const ids = ['a', 'b', 'c'];
    expect(nextLessonId(null, ids)).toBe('a');
    expect(nextLessonId('a', ids)).toBe('b');
    expect(nextLessonId('c', ids)).toBe('a');
    expect(nextLessonId('gone', ids)).toBe('a');
    expect(nextLessonId(null, [])).toBeNull();
  });
});
