/**
 * The ARIA tabs pattern's keys (WAI-ARIA Authoring Practices): ← and → move
 * to the previous and next tab, wrapping round; Home and End to the first and
 * last. Automatic activation: the tab a key moves to is also chosen.
 */

/** The tab index a key moves to from `current` of `count` tabs; null for a key the tab list leaves alone. */
export function tabAfterKey(key: string, current: number, count: number): number | null {
  if (count <= 0) return null;
  switch (key) {
    case 'ArrowRight':
      return (current + 1) % count;
    case 'ArrowLeft':
      return (current - 1 + count) % count;
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}
