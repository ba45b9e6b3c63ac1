/**
 * The page on a phone (≤ 480 px wide): what the feed is doing, one compact
 * card per transport, this page's own client settings, the upstream box and
 * the Socket.IO features (its own client's rooms, chat, acks and volatile);
 * during a class round, its question and this phone's prediction first.
 * Controls of the shared feed show only on a page that may use them (the
 * teacher's, or any page when the lab needs no token), so a student never
 * meets a control that would refuse them. Nothing is wider than the screen.
 */
import type { Dispatch, SetStateAction } from 'react';
import * as fmt from '../format.ts';
import type { LabConfig } from '../lab-config.ts';
import { useLab } from '../lab-context.ts';
import type { LessonRunner } from '../lessons/lesson-runner.ts';
import { TRANSPORTS } from '../palette.ts';
import { ByteKindLegend } from './byte-kind-legend.tsx';
import { ClassRoundPanel } from './class-round-panel.tsx';
import { ClientSettingsFields } from './client-settings-fields.tsx';
import { ControlsPanel } from './controls-panel.tsx';
import { PhoneCard } from './phone-card.tsx';
import { SocketIoFeaturesPanel } from './socket-io-features-panel.tsx';
import { UpstreamBox } from './upstream-box.tsx';
import './phone-view.css';

interface Props {
  config: LabConfig;
  setConfig: Dispatch<SetStateAction<LabConfig>>;
  /** The lesson runner, for a teacher who steers a class round from a phone. */
  runner: LessonRunner;
}

export function PhoneView({ config, setConfig, runner }: Props) {
  const status = useLab((s) => s.status);
  const scenario = useLab((s) => s.scenario);
  const canControl = useLab((s) => s.access?.canControl ?? false);

  return (
    <main className="phone" data-view="phone">
      <header className="phone-bar">
        <h1>Transport Lab</h1>
        <p className="phone-feed" data-feed="status">
          {status ? (
            <>
              <strong>{scenario?.title ?? status.scenario}</strong> · {fmt.rate(status.ratePerSecond)} events/s ·{' '}
              {status.running ? 'publishing' : 'paused'}
            </>
          ) : (
            'connecting to the lab…'
          )}
        </p>
        {!canControl && <p className="phone-who">The teacher steers the feed; these clients are yours.</p>}
      </header>
      <ClassRoundPanel runner={runner} variant="phone" />
      <section className="phone-cards" aria-label="This phone's transports, live">
        {TRANSPORTS.map((t) => (
          <PhoneCard
            key={t}
            transport={t}
            onToggle={(on) => setConfig((c) => ({ ...c, enabled: { ...c.enabled, [t]: on } }))}
          />
        ))}
      </section>
      <ByteKindLegend />
      {canControl ? (
        <ControlsPanel config={config} setConfig={setConfig} />
      ) : (
        <section className="phone-controls panel" aria-label="This phone's clients">
          <h2>Your clients</h2>
          <ClientSettingsFields config={config} setConfig={setConfig} />
        </section>
      )}
      <UpstreamBox />
      <SocketIoFeaturesPanel lane={config.lane} hideRefused />
    </main>
  );
}
