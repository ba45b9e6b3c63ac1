/**
 * Why a transport can stall for no fault of its own: the browser's six
 * connections per origin (the text is docs/connection-limit.md, bundled at
 * build time), and a demo that uses them up on this page's own origin and
 * times a request that has to wait.
 */
import connectionLimitDoc from '../../../docs/connection-limit.md?raw';
import * as fmt from '../format.ts';
import { useLab, useStore } from '../lab-context.ts';
import { plainMarkdown } from '../plain-markdown.ts';
import { CONTAINED } from './contained.ts';
import './connection-limit-panel.css';

const DOC = plainMarkdown(connectionLimitDoc);

export function ConnectionLimitPanel() {
  const store = useStore();
  const demo = useLab((s) => s.limitDemo);
  const route = useLab((s) => s.route);
  return (
    <section className="connection-limit panel" aria-label={DOC.title} data-panel="connection-limit" style={CONTAINED}>
      <h2>{DOC.title}</h2>
      {DOC.paragraphs.map((parts, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a fixed text, never reordered
        <p key={i}>
          {parts.map((part, j) =>
            // biome-ignore lint/suspicious/noArrayIndexKey: a fixed text, never reordered
            part.code ? <code key={j}>{part.text}</code> : <span key={j}>{part.text}</span>,
          )}
        </p>
      ))}
      <div className="demo-box">
        <span className="demo-label">Demo</span>
        <button
          type="button"
          data-control="limit-demo"
          disabled={demo.running}
          onClick={() => void store.runLimitDemo()}
        >
          {demo.running ? 'Running…' : 'Open 6 extra connections to this page’s origin, then ask for the time'}
        </button>
        <p className="muted">
          The demo opens six SSE streams to this page's own port, asks for <code>/api/clock</code>, holds the streams
          for 3 s, then closes them.{' '}
          {route.via === 'conditioner'
            ? "The four columns' clients use the conditioner's port, so they keep running; this page's status, network and class updates share this port and wait with the request."
            : "The four columns' clients share this port too (no conditioner), so they stall with it."}
        </p>
        {demo.running && demo.progress && <p data-demo="progress">{demo.progress}</p>}
        {demo.result && (
          <p data-demo="result" data-stalled={demo.result.stalled ? 'yes' : 'no'}>
            {demo.result.stalled ? (
              <>
                {demo.result.opened} of {demo.result.extra} extra streams opened
                {demo.result.opened < demo.result.extra &&
                  ` — the page already holds ${demo.result.extra - demo.result.opened === 1 ? 'a connection' : `${demo.result.extra - demo.result.opened} connections`} to this origin (its metrics stream${route.via === 'conditioner' ? '' : ' and the columns’ streams'}), and six is all the browser allows`}
                ; the request waited{' '}
                <strong>
                  <span data-demo="waited-ms">{fmt.ms(demo.result.waitedMs)}</span> ms
                </strong>{' '}
                and went through {fmt.ms(demo.result.afterCloseMs ?? 0)} ms after the demo freed a connection.
              </>
            ) : (
              <>
                The request was answered in <span data-demo="waited-ms">{fmt.ms(demo.result.waitedMs)}</span> ms: this
                browser did not run out of connections (it may speak HTTP/2 here, or allow more than six).
              </>
            )}
          </p>
        )}
        {demo.error && <p className="column-error">The demo failed: {demo.error}</p>}
      </div>
    </section>
  );
}
