import { describe, expect, it } from 'vitest';
import { count } from './format.ts';

describe('count groups thousands with a thin space, without Intl', () => {
  it.each([
    [0, '0'],
    [999, '999'],
    [1000, '1\u202f000'],
    [12345, '12\u202f345'],
    [1234567, '1\u202f234\u202f567'],
    [-1234, '-1\u202f234'],
    [999.6, '1\u202f000'],
  ])('%d → %s', (value, text) => {
    expect(count(value)).toBe(text);
  });

  it('matches what toLocaleString gave before, for every size of number', () => {
    for (let value = 1; value < 1e15; value = value * 7 + 3) {
      expect(count(value)).toBe(value.toLocaleString('en-US').replace(/,/g, '\u202f'));
    }
  });
});
