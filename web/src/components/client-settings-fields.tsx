/**
 * This page's own client settings: the short-poll interval, the long-poll
 * timeout and "New segment". The same fields in the controls panel and on a
 * student's phone.
 */

import type { Dispatch, SetStateAction } from 'react';
import { isSocketIoLane, SOCKET_IO_LANE_TITLES, SOCKET_IO_LANES } from '../../../protocol/socket-io-lanes.ts';
import { type LabConfig, LIMITS } from '../lab-config.ts';
import { useStore } from '../lab-context.ts';
import { NumberField } from './number-field.tsx';

interface Props {
  config: LabConfig;
  setConfig: Dispatch<SetStateAction<LabConfig>>;
}

export function ClientSettingsFields({ config, setConfig }: Props) {
  const store = useStore();
  return (
    <>
      <NumberField
        name="interval"
        label="Short-poll interval"
        unit="ms"
        value={config.interval}
        min={LIMITS.interval.min}
        max={LIMITS.interval.max}
        step={100}
        onCommit={(interval) => setConfig((c) => ({ ...c, interval }))}
      />
      <NumberField
        name="timeout"
        label="Long-poll timeout"
        unit="ms"
        value={config.timeout}
        min={LIMITS.timeout.min}
        max={LIMITS.timeout.max}
        step={1000}
        onCommit={(timeout) => setConfig((c) => ({ ...c, timeout }))}
      />
      <label className="field">
        <span>Socket.IO lane</span>
        <select
          data-control="socket-io-lane"
          value={config.lane}
          onChange={(e) => {
            const lane = e.target.value;
            if (isSocketIoLane(lane)) setConfig((c) => ({ ...c, lane }));
          }}
        >
          {SOCKET_IO_LANES.map((lane) => (
            <option key={lane} value={lane}>
              {SOCKET_IO_LANE_TITLES[lane]}
            </option>
          ))}
        </select>
      </label>
      <div className="buttons">
        <button
          type="button"
          data-control="new-segment"
          title="Start a new segment: the figures count from now (the table below keeps the one that ends)"
          onClick={() => store.newSegment()}
        >
          New segment
        </button>
      </div>
    </>
  );
}
