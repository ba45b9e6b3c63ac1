/** Tab lists move with the arrow keys as the ARIA tabs pattern says: wrapping, Home and End, other keys left alone. */
import { describe, expect, it } from 'vitest';
import { tabAfterKey } from './tab-keys.ts';

describe('the tab keys', () => {
  it('moves right and left, wrapping round', () => {
    expect(tabAfterKey('ArrowRight', 0, 5)).toBe(1);
    expect(tabAfterKey('ArrowRight', 4, 5)).toBe(0);
    expect(tabAfterKey('ArrowLeft', 0, 5)).toBe(4);
    expect(tabAfterKey('ArrowLeft', 3, 5)).toBe(2);
  });

  it('jumps to the first and the last', () => {
    expect(tabAfterKey('Home', 3, 4)).toBe(0);
    expect(tabAfterKey('End', 0, 4)).toBe(3);
  });

  it('leaves every other key, and an empty list, alone', () => {
    expect(tabAfterKey('ArrowDown', 1, 4)).toBeNull();
    expect(tabAfterKey('Enter', 1, 4)).toBeNull();
    expect(tabAfterKey('ArrowRight', 0, 0)).toBeNull();
  });
});
