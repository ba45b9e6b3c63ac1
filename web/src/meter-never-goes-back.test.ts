/**
 * A stream snapshot older than the page's own meter reading is left out, so a
 * segment that began at that reading never shows negative figures.
 */
import { expect, it } from 'vitest';
import { NewestReading } from './newest-reading.ts';

it('takes stream snapshots in time order, and none from before or at the page’s own reading', () => {
  const readings = new NewestReading();
  expect(readings.accept(1000)).toBe(true);
  expect(readings.accept(1250)).toBe(true);
  readings.acceptOwn(1300); // a page segment's zero
  expect(readings.accept(1290)).toBe(false); // taken before it, arrived after it
  expect(readings.accept(1300)).toBe(false); // same millisecond: it may be older
  expect(readings.accept(1301)).toBe(true);
  expect(readings.accept(1301)).toBe(false);
  readings.acceptOwn(1200); // an own reading older than the stream's: nothing goes back
  expect(readings.accept(1302)).toBe(true);
});
