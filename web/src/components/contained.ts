/**
 * `contain: content` (layout, paint and style containment) for a panel whose
 * figures change while the page runs: an update lays out and repaints that
 * panel on its own instead of repainting the whole page. It about halves the
 * paint time of each frame (`npm run bench:dashboard -- --profile`). Paint
 * containment clips what overflows the panel, which none of them does.
 */
import type { CSSProperties } from 'react';

export const CONTAINED: CSSProperties = { contain: 'content' };
