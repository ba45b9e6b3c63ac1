/** The transports switched on, as a stable array (same reference while nothing changes). */
import { useMemo } from 'react';
import type { TransportName } from '../../../protocol/feed-event.ts';
import { useLab } from '../lab-context.ts';
import { TRANSPORTS } from '../palette.ts';

export function useEnabledTransports(): TransportName[] {
  const key = useLab((s) => TRANSPORTS.filter((t) => s.transports[t].enabled).join(','));
  return useMemo(() => (key === '' ? [] : (key.split(',') as TransportName[])), [key]);
}
