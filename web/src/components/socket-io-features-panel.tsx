/**
 * The notes' Socket.IO features, live: a room (one topic) beside the whole
 * feed with the bytes it saves, `/chat` on the same connection with the
 * broadcast choice and each line's ack round trip, and volatile emits with
 * their drops. Its two clients are its own (SocketIoFeaturesControl); the
 * settings are the lab's (`PUT /api/socket-io/settings`).
 */
import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { browserEnv } from '../../../clients/client-env.ts';
import { CHAT_BROADCASTS, type ChatBroadcast } from '../../../protocol/socket-io-features.ts';
import type { SocketIoLane } from '../../../protocol/socket-io-lanes.ts';
import * as fmt from '../format.ts';
import { LabApi, pageBaseUrl } from '../lab-api.ts';
import { useLab } from '../lab-context.ts';
import { SocketIoFeaturesControl } from '../socket-io-features-control.ts';
import { teacherToken } from '../teacher-token.ts';
import { CONTAINED } from './contained.ts';
import './socket-io-features-panel.css';

const BROADCAST_WORDS: Record<ChatBroadcast, string> = {
  others: 'everyone but the sender (socket.broadcast.emit)',
  everyone: 'everyone, the sender too (io.emit)',
};

/** One empty list: a selector must not return a new one on every read. */
const NO_TOPICS: string[] = [];

/**
 * @param lane the page's Socket.IO lane: the panel's two clients use it too
 * @param hideRefused the phone's way: the lab's settings are left out for a page that may not change them
 *   (elsewhere they show, disabled, so a student sees what the teacher can switch)
 */
export function SocketIoFeaturesPanel({ lane, hideRefused = false }: { lane: SocketIoLane; hideRefused?: boolean }) {
  const control = useMemo(() => {
    const token = teacherToken(window.location.search);
    const id = `page-${Math.random().toString(36).slice(2, 10)}`;
    return new SocketIoFeaturesControl(new LabApi(pageBaseUrl(), token), browserEnv(), id, token !== null);
  }, []);
  const view = useSyncExternalStore(
    (listener) => control.subscribe(listener),
    () => control.view,
  );
  const baseUrl = useLab((s) => s.route.baseUrl);
  const topics = useLab((s) => s.scenario?.topics) ?? NO_TOPICS;
  const canControl = useLab((s) => s.access?.canControl ?? true);
  const [topic, setTopic] = useState('');
  const [text, setText] = useState('Hello from the room');
  const chosen = topics.includes(topic) ? topic : (topics[0] ?? '');

  useEffect(() => {
    void control.load();
    return () => control.stop();
  }, [control]);

  const rate = (value: number | null) => (value === null ? '–' : `${fmt.bytes(value)}/s`);
  return (
    <section
      className="socket-io-features panel"
      aria-label="Socket.IO features"
      data-panel="socket-io-features"
      style={CONTAINED}
    >
      <h2>Socket.IO: rooms, namespaces, broadcast, acks, volatile</h2>
      <p className="muted">
        Two Socket.IO clients of this panel: one follows the whole feed, one joins a single topic's room. Both also join{' '}
        <code>/chat</code> on the same connection.
      </p>
      <div className="sio-grid">
        <fieldset>
          <legend>Room</legend>
          <label>
            <span className="field-label">Topic</span>
            <select
              data-control="sio-room"
              value={chosen}
              onChange={(e) => {
                setTopic(e.target.value);
                if (view.running) control.start(baseUrl, e.target.value, lane);
              }}
            >
              {topics.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            data-control="sio-compare"
            disabled={chosen === ''}
            onClick={() => (view.running ? control.stop() : control.start(baseUrl, chosen, lane))}
          >
            {view.running ? 'Stop the two clients' : 'Start the two clients'}
          </button>
          <dl className="sio-figures">
            <dt>Whole feed</dt>
            <dd data-figure="sio-everything-rate">{rate(view.everythingBytesPerSecond)}</dd>
            <dt>Room {view.room ?? ''}</dt>
            <dd data-figure="sio-room-rate">{rate(view.roomBytesPerSecond)}</dd>
            <dt>Saved by the room</dt>
            <dd data-figure="sio-room-saved">
              {view.savedPercent === null ? '–' : `${Math.round(view.savedPercent)} %`}
            </dd>
          </dl>
        </fieldset>

        {hideRefused && !canControl ? null : (
          <fieldset disabled={!canControl}>
            <legend>Broadcast and volatile (lab settings)</legend>
            <label>
              <span className="field-label">A chat line goes to</span>
              <select
                data-control="sio-broadcast"
                value={view.settings?.chatBroadcast ?? 'others'}
                onChange={(e) => void control.changeSettings({ chatBroadcast: e.target.value as ChatBroadcast })}
              >
                {CHAT_BROADCASTS.map((mode) => (
                  <option key={mode} value={mode}>
                    {BROADCAST_WORDS[mode]}
                  </option>
                ))}
              </select>
            </label>
            <label className="sio-check">
              <input
                type="checkbox"
                data-control="sio-volatile"
                checked={view.settings?.volatile ?? false}
                onChange={(e) => void control.changeSettings({ volatile: e.target.checked })}
              />
              Volatile feed emits (dropped while a client's transport is not writable)
            </label>
            <dl className="sio-figures">
              <dt>Dropped, counted by the lab</dt>
              <dd data-figure="sio-dropped-lab">{fmt.count(view.droppedByLab)}</dd>
              <dt>Dropped, announced to the clients</dt>
              <dd data-figure="sio-dropped-clients">{fmt.count(view.droppedSeenByClients)}</dd>
            </dl>
          </fieldset>
        )}

        <fieldset disabled={!view.running}>
          <legend>Chat on /chat, with an ack</legend>
          <form
            className="sio-chat-form"
            onSubmit={(e) => {
              e.preventDefault();
              if (text.trim() !== '') void control.say(text.trim());
            }}
          >
            <input
              type="text"
              aria-label="Chat line"
              data-control="sio-chat-text"
              maxLength={500}
              value={text}
              onChange={(e) => setText(e.target.value)}
            />
            <button type="submit" data-control="sio-chat-send">
              Send from the room client
            </button>
          </form>
          <dl className="sio-figures">
            <dt>Ack round trip p50 / p99</dt>
            <dd data-figure="sio-ack">
              {view.ack ? `${fmt.ms(view.ack.p50)} / ${fmt.ms(view.ack.p99)} ms (${view.ack.count})` : '–'}
            </dd>
          </dl>
          <ul className="sio-chat-lines">
            {view.chat.map((line) => (
              <li key={line.id} data-chat-line={line.id}>
                <span className="sio-chat-text">“{line.text}”</span>{' '}
                <span className="muted">
                  sender {line.senderHeard ? 'got it back' : 'did not get it'}; the other client{' '}
                  {line.otherHeard ? 'got it' : 'did not get it yet'}
                  {line.ackMs === null ? '' : `; ack in ${fmt.ms(line.ackMs)} ms`}
                </span>
              </li>
            ))}
          </ul>
        </fieldset>
      </div>
      {view.error && (
        <p className="column-error" role="alert">
          {view.error.message}
          {view.error.hint && <span> — {view.error.hint}</span>}
        </p>
      )}
    </section>
  );
}
