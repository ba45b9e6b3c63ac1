/** Sliders for a custom network: round trip, jitter, and bandwidth each way (0 = unlimited). */
import type { LinkShape } from '../../../protocol/network-state.ts';
import { useLab, useStore } from '../lab-context.ts';
import {
  BANDWIDTH_STEPS,
  bandwidthAt,
  bandwidthIndex,
  bandwidthLabel,
  JITTER_RANGE,
  RTT_RANGE,
} from '../network-sliders.ts';
import { NetworkSlider } from './network-slider.tsx';
import './custom-network.css';

export function CustomNetwork({ disabled }: { disabled: boolean }) {
  const store = useStore();
  const network = useLab((s) => s.network);
  const set = (field: keyof LinkShape) => (value: number) =>
    void store.changeNetwork({ profile: 'custom', [field]: value });
  const msLabel = (value: number): string => `${value} ms`;
  const steps = BANDWIDTH_STEPS.length - 1;

  return (
    <fieldset className="network-custom" disabled={disabled}>
      <legend>Custom (moving a slider switches to custom)</legend>
      <NetworkSlider
        name="rtt"
        label="Added round trip"
        value={network?.rttMs ?? 0}
        {...RTT_RANGE}
        format={msLabel}
        onCommit={set('rttMs')}
      />
      <NetworkSlider
        name="jitter"
        label="Jitter (extra, per chunk)"
        value={network?.jitterMs ?? 0}
        {...JITTER_RANGE}
        format={(v) => `up to ${v} ms`}
        onCommit={set('jitterMs')}
      />
      <NetworkSlider
        name="down"
        label="Down (lab → page)"
        value={network?.downKbps ?? 0}
        min={0}
        max={steps}
        step={1}
        toPosition={bandwidthIndex}
        fromPosition={bandwidthAt}
        format={bandwidthLabel}
        onCommit={set('downKbps')}
      />
      <NetworkSlider
        name="up"
        label="Up (page → lab)"
        value={network?.upKbps ?? 0}
        min={0}
        max={steps}
        step={1}
        toPosition={bandwidthIndex}
        fromPosition={bandwidthAt}
        format={bandwidthLabel}
        onCommit={set('upKbps')}
      />
    </fieldset>
  );
}
