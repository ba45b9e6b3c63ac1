/**
 * The load-balancer lesson, live (under `npm run cluster`): a selector of the
 * nginx configurations in cluster/nginx-configs/; choosing one reloads the
 * cluster's nginx with it. Beside it, the config's small file (the lines that
 * differ from `correct` marked), what it breaks and the line that fixes it,
 * and what each of this page's transports went through since the switch
 * (clients/load-balancer-effect.ts). Hidden outside a cluster.
 */
import { useCallback, useEffect, useState } from 'react';
import type { LoadBalancerEffect } from '../../../clients/load-balancer-effect.ts';
import type { LoadBalancerState } from '../../../protocol/load-balancer.ts';
import { useStore } from '../lab-context.ts';
import type { LoadBalancerEffects } from '../load-balancer-effects.ts';
import { TRANSPORT_LOOK, TRANSPORTS } from '../palette.ts';
import './load-balancer-lesson.css';

/** ms between reads of the effects while a switch is shown (and of the state while nginx reloads). */
const REFRESH_MS = 1000;

/** What each word means, for the legend and each cell's title. */
const EFFECT_MEANING: Record<LoadBalancerEffect, string> = {
  refused: 'a request was answered 4xx/5xx, or a stream closed before it opened',
  cut: 'a stream closed after it had opened, or a poll ended without an answer',
  stalled: 'the feed has newer events, and none arrived for 5 s',
  moved: 'its answers came from more than one instance',
  fine: 'none of these since the switch',
};

export function LoadBalancerLesson() {
  const store = useStore();
  const [state, setState] = useState<LoadBalancerState | null>(null);
  const [problem, setProblem] = useState<{ message: string; hint?: string } | null>(null);
  const [effects, setEffects] = useState<LoadBalancerEffects | null>(null);

  const refresh = useCallback(async () => {
    try {
      setState(await store.loadBalancerState());
    } catch {
      // the instance that answered went away: the next read reaches another
    }
  }, [store]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  // While nginx reloads, read the state again until it runs the new config; the effects every second.
  useEffect(() => {
    if (!state?.controlled) return;
    const timer = setInterval(() => {
      setEffects(store.loadBalancerEffects());
      if (state.switching) void refresh();
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [state, store, refresh]);

  if (!state?.controlled) return null;
  const shown = state.configs.find((config) => config.name === (state.switching ?? state.current));
  const choose = async (config: string): Promise<void> => {
    setProblem(null);
    try {
      setState(await store.switchLoadBalancer(config));
    } catch (error) {
      const plain = store.plainError(error);
      // nginx's own 502 (an HTML page): every instance is out of rotation, as for everyone behind it.
      setProblem(
        /HTTP_502/.test(plain.message)
          ? {
              message: 'nginx answered 502: no instance is in rotation right now (that is the lesson of this config).',
              hint: 'nginx puts them back after fail_timeout (10 s): choose again then',
            }
          : plain,
      );
    }
  };

  return (
    <div className="lb-lesson" data-panel="load-balancer-lesson">
      <h3>The load balancer in front</h3>
      <div className="lb-choice">
        <label>
          nginx config{' '}
          <select
            value={state.switching ?? state.current ?? ''}
            disabled={state.switching !== null}
            onChange={(event) => void choose(event.target.value)}
          >
            {state.configs.map((config) => (
              <option key={config.name} value={config.name}>
                {config.name}
              </option>
            ))}
          </select>
        </label>
        <span className="muted" aria-live="polite" data-lb-status>
          {state.switching
            ? `nginx is reloading with ${state.switching}…`
            : `nginx runs ${state.current}${state.switchedAt ? ` since ${new Date(state.switchedAt).toLocaleTimeString()}` : ' (as started)'}`}
        </span>
      </div>
      {problem && (
        <p className="lb-problem" role="alert">
          {problem.message}
          {problem.hint && <span className="muted"> ({problem.hint})</span>}
        </p>
      )}
      {state.error && <p className="lb-problem">The last switch failed: {state.error}</p>}
      {shown && (
        <div className="lb-body">
          <figure className="lb-file">
            <figcaption>
              <code>cluster/nginx-configs/{shown.name}.conf</code>
              {shown.differingLines.length > 0 && <span className="muted"> · marked: not in correct.conf</span>}
            </figcaption>
            <pre data-config-file={shown.name}>
              {shown.text
                .replace(/\n$/, '')
                .split('\n')
                .map((line, i) => (
                  <span
                    // biome-ignore lint/suspicious/noArrayIndexKey: a file's lines are identified by their number
                    key={i}
                    className={shown.differingLines.includes(i + 1) ? 'lb-differs' : undefined}
                    data-differs={shown.differingLines.includes(i + 1) ? 'true' : undefined}
                  >
                    {line}
                    {'\n'}
                  </span>
                ))}
            </pre>
          </figure>
          <div className="lb-effect">
            <p>
              <strong>Breaks:</strong> {shown.breaks}
            </p>
            {shown.missingLines.length > 0 && (
              <p>
                <strong>Lacks</strong> (in correct.conf):{' '}
                {shown.missingLines.map((line) => (
                  <code key={line} className="lb-missing">
                    {line}
                  </code>
                ))}
              </p>
            )}
            {shown.fix && (
              <p>
                <strong>The line that fixes it:</strong> <code>{shown.fix}</code>
              </p>
            )}
            <EffectTable effects={effects} />
          </div>
        </div>
      )}
    </div>
  );
}

function EffectTable({ effects }: { effects: LoadBalancerEffects | null }) {
  if (!effects) {
    return <p className="muted">Choose a config: this page's transports then show what each does under it.</p>;
  }
  return (
    <table className="lb-effects">
      <caption>
        This page's transports under <code>{effects.config}</code>, for {Math.round(effects.forMs / 1000)} s
      </caption>
      <thead>
        <tr>
          <th scope="col">transport</th>
          <th scope="col">effect</th>
          <th scope="col">refused</th>
          <th scope="col">cut</th>
          <th scope="col">instances</th>
        </tr>
      </thead>
      <tbody>
        {TRANSPORTS.map((t) => (
          <tr key={t} data-transport={t}>
            <th scope="row">{TRANSPORT_LOOK[t].label}</th>
            <td>
              <span className={`lb-word lb-${effects.words[t]}`} title={EFFECT_MEANING[effects.words[t]]} data-effect>
                {effects.words[t]}
              </span>
            </td>
            <td>{effects.tallies[t].refused}</td>
            <td>{effects.tallies[t].cut}</td>
            <td>{effects.tallies[t].instances.join(', ') || '–'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
