/** What each number means, as the lab measures it. */
import './definitions.css';
export function Definitions() {
  return (
    <footer className="definitions">
      <h2>What the numbers mean</h2>
      <dl>
        <dt>Latency</dt>
        <dd>
          Arrival time in this page − publish time on the server (corrected by the clock offset). Median, p95 and p99
          over the last 60 s.
        </dd>
        <dt>Round trip</dt>
        <dd>From sending a message upstream until it comes back as a feed event.</dd>
        <dt>HTTP requests</dt>
        <dd>
          Requests on this transport's endpoints; a WebSocket upgrade is one request. Empty answers: polls that carried
          no event.
        </dd>
        <dt>TCP connections</dt>
        <dd>Connections that carried this transport's requests; keep-alive reuse keeps the number low.</dd>
        <dt>Headers · framing · events</dt>
        <dd>
          Every byte on the socket, both directions: HTTP request and status lines with headers; everything else that is
          not the event (JSON envelopes, SSE field names, chunk sizes, frame headers, pings); and the event's own bytes.
        </dd>
        <dt>Gaps · duplicates</dt>
        <dd>
          Places where events were lost (a reset or a jump in seq), and events that arrived twice and were dropped.
        </dd>
      </dl>
    </footer>
  );
}
