/** Time to resume runs from the first `reconnecting` to the next `open`; stopping on purpose is no outage. */
import { describe, expect, it } from 'vitest';
import { ResumeTimer } from './resume-timer.ts';

describe('time to resume', () => {
  it('is nothing before the first outage, and connecting → open is not one', () => {
    const timer = new ResumeTimer();
    timer.onState('connecting', 0);
    timer.onState('open', 40);
    expect(timer.lastMs).toBeNull();
    expect(timer.pendingMs(100)).toBeNull();
  });

  it('runs from reconnecting to open, across failed attempts', () => {
    const timer = new ResumeTimer();
    timer.onState('open', 0);
    timer.onState('reconnecting', 1_000);
    expect(timer.pendingMs(1_500)).toBe(500);
    timer.onState('reconnecting', 1_800); // another failed attempt: still the same outage
    timer.onState('open', 3_250);
    expect(timer.lastMs).toBe(2_250);
    expect(timer.pendingMs(4_000)).toBeNull();
  });

  it('keeps the last outage, and forgets one that ended with a stop', () => {
    const timer = new ResumeTimer();
    timer.onState('reconnecting', 0);
    timer.onState('open', 100);
    timer.onState('reconnecting', 500);
    timer.onState('closed', 600);
    timer.onState('open', 2_000);
    expect(timer.lastMs).toBe(100);
  });
});
