/** "What happens on the wire", per transport, in plain words. */
import { TRANSPORT_LOOK, TRANSPORTS } from '../palette.ts';
import { WEB_TRANSPORTS } from '../transports/web-transport-registry.ts';
import './wire-explainer.css';

export function WireExplainer() {
  return (
    <section className="explainer" aria-label="What happens on the wire">
      <h2>What happens on the wire</h2>
      <div className="explainer-grid">
        {TRANSPORTS.map((t) => (
          <article key={t} style={{ borderTopColor: TRANSPORT_LOOK[t].colour }}>
            <h3>{TRANSPORT_LOOK[t].label}</h3>
            <ol>
              {WEB_TRANSPORTS[t].wire.steps.map((step) => (
                <li key={step}>{step}</li>
              ))}
            </ol>
            <p className="muted">{WEB_TRANSPORTS[t].wire.costs}</p>
          </article>
        ))}
      </div>
    </section>
  );
}
