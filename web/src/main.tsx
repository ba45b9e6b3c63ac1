/**
 * Entry: read the configuration from the URL, start the store (which applies
 * feed settings from the URL to the lab, so a link reproduces a setup), render.
 */
import { StrictMode } from 'react';
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
void store.start({
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
createRoot(root).render(
  <StrictMode>
    <LabContext.Provider value={store}>
      <App initial={initial} />
    </LabContext.Provider>
  </StrictMode>,
);
