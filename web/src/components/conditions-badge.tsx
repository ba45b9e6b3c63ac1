/**
 * The active network conditions in a few words, on every chart, so a
 * screenshot or a projected chart always says what network it was taken on.
 */
import { useLab } from '../lab-context.ts';
import { describeConditions } from '../network-caption.ts';
import './conditions-badge.css';

export function ConditionsBadge() {
  const text = useLab((s) => describeConditions(s.network, s.route.via));
  const shaped = useLab((s) => s.route.via === 'conditioner' && (s.network?.profile ?? 'none') !== 'none');
  return (
    <span
      className={shaped ? 'conditions conditions-shaped' : 'conditions'}
      data-network="caption"
      title="Network conditions now"
    >
      {text}
    </span>
  );
}
