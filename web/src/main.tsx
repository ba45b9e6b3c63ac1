/**
 * Entry: read the configuration from the URL, start the store (which applies
 * feed settings from the URL to the lab, so a link reproduces a setup), then
 * render once its clients run.
 */
import { StrictMode, startTransition } from 'react';
import { createRoot } from 'react-dom/client';
// The tokens and base styles first: every component's own stylesheet comes after them.
import './styles/tokens.css';
import './styles/base.css';
import { App } from './app.tsx';
import { pageBaseUrl } from './lab-api.ts';
import { parseConfig } from './lab-config.ts';
import { LabContext } from './lab-context.ts';
import { LabStore } from './lab-store.ts';
import { teacherToken } from './teacher-token.ts';

const initial = parseConfig(window.location.search);
const store = new LabStore(
  pageBaseUrl(),
  {
    intervalMs: initial.interval,
    timeoutMs: initial.timeout,
    socketIoLane: initial.lane,
    enabled: initial.enabled,
    httpVersion: initial.http,
    shortPollConditional: initial.conditional,
  },
  teacherToken(window.location.search),
);
const starting = store.start({
  ...(initial.scenario ? { scenario: initial.scenario } : {}),
  ...(initial.rate !== null ? { ratePerSecond: initial.rate } : {}),
  ...(initial.payload !== null ? { payloadBytes: initial.payload } : {}),
});
// Leaving closes every connection; a page restored from the back/forward cache starts them again.
window.addEventListener('pagehide', () => store.stop());
window.addEventListener('pageshow', (event) => {
  if (event.persisted) void store.start(null);
});

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
// The first render is a few hundred milliseconds of work on a slow laptop. Started at once, it would hold back
// the store's first answers and so the clients' start: it waits until the clients run (or FIRST_DRAW_WAIT_MS, if
// the lab is slow to answer), and then renders in a transition, in slices of a few milliseconds, so the
// clients' first answers are handled between them instead of waiting behind one long task.
const FIRST_DRAW_WAIT_MS = 400;
await Promise.race([starting, new Promise((resolve) => setTimeout(resolve, FIRST_DRAW_WAIT_MS))]);
const reactRoot = createRoot(root);
startTransition(() =>
  reactRoot.render(
    <StrictMode>
      <LabContext.Provider value={store}>
        <App initial={initial} />
      </LabContext.Provider>
    </StrictMode>,
  ),
);
