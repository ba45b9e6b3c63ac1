/**
 * This page's own client settings: the short-poll interval and whether it
 * asks conditionally, the long-poll timeout, over HTTPS the HTTP version, and
 * "New segment". The same fields in
 * the controls panel and on a student's phone.
 */

import type { Dispatch, SetStateAction } from 'react';
import { isSocketIoLane, SOCKET_IO_LANE_TITLES, SOCKET_IO_LANES } from '../../../protocol/socket-io-lanes.ts';
import { type HttpChoice, type LabConfig, LIMITS } from '../lab-config.ts';
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
      <div className="select-field">
        <label className="check-label">
          <input
            type="checkbox"
            data-control="conditional-polling"
            checked={config.conditional}
            onChange={(e) => setConfig((c) => ({ ...c, conditional: e.target.checked }))}
          />{' '}
          Conditional short polling
        </label>
        <small data-conditional-note>
          sends the last answer's ETag as If-None-Match; nothing new → 304 Not Modified, no body. Every poll still costs
          a whole request and a response head: the lab keeps no state per client (the ETag is the feed's position), so
          only a held request (long polling) or a push (SSE, WebSocket) stops the asking
        </small>
      </div>
      {globalThis.location?.protocol === 'https:' && (
        <label className="select-field">
          <span className="field-label">HTTP version</span>
          <select
            data-control="http-version"
            value={config.http}
            onChange={(e) => setConfig((c) => ({ ...c, http: e.target.value as HttpChoice }))}
          >
            <option value="page">this page's</option>
            <option value="h2">HTTP/2</option>
            <option value="http/1.1">HTTP/1.1</option>
          </select>
          <small data-http-note>
            for polling and SSE (a new segment); WebSocket keeps its own HTTP/1.1 connection: the lab's WebSocket
            library has no WebSocket over HTTP/2 (RFC 8441)
          </small>
        </label>
      )}
      <label className="select-field">
        <span className="field-label">Socket.IO lane</span>
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
