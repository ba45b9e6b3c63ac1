/**
 * Why this page may not use the lab's shared controls (feed, network), or
 * null when it may: in classroom mode only the teacher's page steers, so a
 * student's page shows those controls disabled with this reason instead of
 * offering them and refusing after the click.
 */
import { useLab } from '../lab-context.ts';

/** The words a student reads beside (and on hover over) a disabled shared control. */
export const SHARED_LOCK_REASON =
  "Only the teacher's page can change this: it steers the feed and the network for the whole class. Your own clients' settings stay yours.";

export function useSharedLock(): string | null {
  return useLab((s) => (s.access?.controlNeedsToken && !s.access.canControl ? SHARED_LOCK_REASON : null));
}
