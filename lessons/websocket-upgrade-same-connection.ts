/**
 * "WebSocket is an HTTP upgrade on the same TCP connection": one WebSocket's
 * upgrade request, its 101 and every frame after it, counted per request and
 * per TCP connection by the lab's meter.
 */
import { feedRun, type Lesson, MissingData, transportIn } from './lesson.ts';

const SWITCHING_PROTOCOLS = /^HTTP\/1\.1 101 /;

export const websocketUpgradeSameConnection = {
  id: 'websocket-upgrade-same-connection',
  claim: 'WebSocket is an HTTP upgrade on the same TCP connection',
  does: 'Opens one WebSocket for 4 s at 10 events/s and counts its HTTP requests, its TCP connections and the answer to its upgrade.',
  prediction: {
    question: 'How many TCP connections carry the upgrade request and all the frames after it?',
    choices: [
      { id: 'one', text: 'One' },
      { id: 'two', text: 'Two: one for HTTP, one for WebSocket' },
      { id: 'many', text: 'More than two' },
    ],
  },
  plan: [
    {
      kind: 'feed',
      label: 'stock-ticker at 10 events/s, one WebSocket',
      feed: { scenario: 'stock-ticker', ratePerSecond: 10 },
      transports: ['websocket'],
      durationS: 4,
    },
  ],
  judge(measurements) {
    const ws = transportIn(feedRun(measurements, 0), 'websocket');
    const head = ws.inspect?.responseHead;
    if (head === undefined) throw new MissingData('the wire inspector saw no WebSocket answer');
    const statusLine = head.split('\r\n')[0] ?? '';
    const upgraded = SWITCHING_PROTOCOLS.test(head);
    const { requests, connections, messages } = ws.whole;
    const holds = upgraded && requests === 1 && connections === 1 && messages > 0;
    return {
      verdict: holds ? 'holds' : 'does-not-hold',
      rightChoice: connections <= 1 ? 'one' : connections === 2 ? 'two' : 'many',
      measured: { requests, connections, frames: messages, statusLine },
      theory: { requests: 1, connections: 1, statusLine: 'HTTP/1.1 101 Switching Protocols' },
      sentence: `The upgrade was answered "${statusLine}", and it and all ${messages} event frames after it crossed ${connections} TCP connection in ${requests} HTTP request.`,
    };
  },
  tryIt:
    "curl -si -H 'Connection: Upgrade' -H 'Upgrade: websocket' -H 'Sec-WebSocket-Version: 13' -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' 'localhost:3000/api/feed/websocket?client=me' --max-time 2: the 101 and then frames on the same connection",
} satisfies Lesson;
