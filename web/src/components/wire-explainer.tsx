/** "What happens on the wire", per transport, in plain words. */
import { TRANSPORT_LOOK, TRANSPORTS } from '../palette.ts';
import { WIRE_EXPLANATIONS } from '../wire-explanations.ts';
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
              {WIRE_EXPLANATIONS[t].steps.map((step) => (
                <li key={step}>{step}</li>
              ))}
            </ol>
            <p className="muted">{WIRE_EXPLANATIONS[t].costs}</p>
          </article>
        ))}
      </div>
    </section>
  );
}
