/** Baseline: the barest WebSocket broadcast with `ws` — every event to every socket. */
import { WebSocketServer } from 'ws';
import { announce, port, publishEvents } from './baseline-feed.ts';

const server = new WebSocketServer({ port, host: '127.0.0.1', perMessageDeflate: false });
server.on('listening', () => announce(server.address()));
publishEvents((event) => {
  for (const socket of server.clients) socket.send(event.json, { binary: false });
});
