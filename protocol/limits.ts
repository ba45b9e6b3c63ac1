/** Limits both sides rely on: the lab enforces them, the clients plan around them. */

/** Most events one poll answer carries; a full answer means "ask again now, with the new `next`". */
export const MAX_EVENTS_PER_ANSWER = 1000;
