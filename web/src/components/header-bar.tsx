/** Title, what the feed is doing right now, and the page's view options and downloads. */
import { type Dispatch, type SetStateAction, useState } from 'react';
import { payloadPerEvent } from '../../../protocol/figures.ts';
import { downloadCsv, downloadJson } from '../export.ts';
import * as fmt from '../format.ts';
import type { LabConfig, Theme } from '../lab-config.ts';
import { useLab, useStore } from '../lab-context.ts';
import type { LabSnapshot } from '../lab-store.ts';
import { ClientRouteBadge } from './client-route-badge.tsx';
import { CONTAINED } from './contained.ts';
import { JoinScreen } from './join-screen.tsx';
import './header-bar.css';

interface Props {
  config: LabConfig;
  setConfig: Dispatch<SetStateAction<LabConfig>>;
}

export function HeaderBar({ config, setConfig }: Props) {
  const store = useStore();
  const status = useLab((s) => s.status);
  const scenario = useLab((s) => s.scenario);
  const rttMs = useLab((s) => s.rttMs);
  const baseRttMs = useLab((s) => s.baseRttMs);
  const measuredRttMs = useLab((s) => s.measuredRttMs);
  const addedRttMs = useLab((s) => (s.route.via === 'conditioner' ? (s.network?.rttMs ?? 0) : 0));
  const clock = useLab((s) => s.clock);
  const clientId = useLab((s) => s.clientId);
  const meterLive = useLab((s) => s.meterLive);
  const access = useLab((s) => s.access);
  const liveSeq = useLab((s) => s.liveFeed?.seq ?? s.status?.seq ?? 0);
  const envelope = useLab(envelopeBytes);
  const [joinOpen, setJoinOpen] = useState(false);
  // A student page has no class to invite; the teacher's (or a lab without a token) does.
  const mayInvite = access ? !access.controlNeedsToken || access.canControl : false;

  return (
    <header className="top-bar" style={CONTAINED}>
      <h1>Transport Lab</h1>
      <p className="tagline">
        The same live events reach this page by every transport at once. Every difference below comes from the transport
        alone.
      </p>
      <p className="feed-line" data-feed="status">
        {status ? (
          <>
            <strong>{scenario?.title ?? status.scenario}</strong>
            <span>{fmt.rate(status.ratePerSecond)} events/s</span>
            <span title="The data the scenario makes; each event adds its envelope — epoch, seq, t (publish time) and topic as JSON — and that whole event is what the columns call “the event itself”">
              {fmt.count(status.payloadBytes)} B of data each
              {envelope !== null && (
                <span className="muted" data-feed="envelope">
                  {' '}
                  (+{fmt.count(envelope)} B of epoch, seq, t, topic)
                </span>
              )}
            </span>
            <span>
              newest seq <span data-feed="seq">{liveSeq}</span>
            </span>
            <span className={status.running ? 'pill pill-open' : 'pill pill-paused'}>
              {status.running ? 'publishing' : 'paused'}
            </span>
          </>
        ) : (
          <span>connecting to the lab…</span>
        )}
      </p>
      <p
        className="measure-line"
        title="Which way the clients go, the round trip, the clock offset's error bound and this page's client id"
      >
        <ClientRouteBadge />
        <span
          data-rtt="theory"
          title={`The round trip the theory uses: the base round trip to the lab (recent control requests, unshaped) plus what the network conditioner adds.${measuredRttMs === null ? '' : ` Short polls measure ${fmt.ms(measuredRttMs)} ms.`}`}
        >
          round trip {rttMs === null ? '–' : `${fmt.ms(rttMs)} ms`}
          {addedRttMs > 0 && baseRttMs !== null && (
            <span className="rtt-split">
              {' '}
              = {fmt.ms(baseRttMs)} ms to the lab + {fmt.ms(addedRttMs)} ms added
            </span>
          )}
        </span>
        <span>
          {clock && clock.errorMs === 0 && clock.offsetMs === 0
            ? 'same machine: one clock'
            : `clock ±${clock ? fmt.ms(clock.errorMs) : '–'} ms`}
        </span>
        <span title="Sent as ?client= on every request of this page's clients, so the meter can count them alone">
          client id <code data-client-id>{clientId}</code>
        </span>
        {!meterLive && <span className="pill pill-paused">meter offline</span>}
        {access?.controlNeedsToken && <AccessPill canControl={access.canControl} />}
      </p>
      <div className="view-options">
        <label>
          Theme{' '}
          <select value={config.theme} onChange={(e) => setConfig((c) => ({ ...c, theme: e.target.value as Theme }))}>
            <option value="auto">system</option>
            <option value="light">light</option>
            <option value="dark">dark</option>
          </select>
        </label>
        <label>
          <input
            type="checkbox"
            checked={config.presenter}
            data-control="presenter"
            onChange={(e) => setConfig((c) => ({ ...c, presenter: e.target.checked }))}
          />{' '}
          Presenter mode
        </label>
        {mayInvite && (
          <button
            type="button"
            data-control="show-join-code"
            title="Fill the screen with the URL and QR code students open (never the token)"
            onClick={() => setJoinOpen(true)}
          >
            Show join code
          </button>
        )}
        <button
          type="button"
          data-control="stage-view"
          title="The projector's view: every transport's headline figures and the latency chart on one screen"
          onClick={() => setConfig((c) => ({ ...c, view: 'stage' }))}
        >
          Stage view
        </button>
        <button
          type="button"
          onClick={() => downloadJson(store.getSnapshot())}
          title="Download the current numbers as JSON"
        >
          JSON
        </button>
        <button
          type="button"
          onClick={() => downloadCsv(store.getSnapshot())}
          title="Download the current numbers as CSV"
        >
          CSV
        </button>
      </div>
      {joinOpen && <JoinScreen onClose={() => setJoinOpen(false)} />}
    </header>
  );
}

/**
 * What each event's envelope adds to its data, in this segment: the event
 * as sent (the payload per event) minus the data size. null until an event
 * arrived, and for binary data (base64 changes its size as well).
 */
function envelopeBytes(s: LabSnapshot): number | null {
  if (!s.status || s.scenario?.payload.binary) return null;
  const payload = payloadPerEvent(s.transports.websocket.meter) ?? payloadPerEvent(s.transports.sse.meter);
  if (payload === null) return null;
  return Math.max(0, Math.round(payload - s.status.payloadBytes));
}

/** In classroom mode, say up front who steers: a student learns it here, not from a refused click. */
function AccessPill({ canControl }: { canControl: boolean }) {
  return canControl ? (
    <span
      className="pill pill-open"
      data-access="teacher"
      title="This page holds the teacher token: it steers the feed, the network and load runs for everyone, and shows the class."
    >
      teacher
    </span>
  ) : (
    <span
      className="pill"
      data-access="watching"
      title="The teacher's page steers the feed, the network and load runs for everyone; this page's own client settings are yours."
    >
      watching: the teacher steers the feed
    </span>
  );
}
