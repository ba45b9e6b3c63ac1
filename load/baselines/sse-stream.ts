/** Baseline: the barest Server-Sent Events with `node:http` — one chunk per event per stream. */
import { createServer, type ServerResponse } from 'node:http';
import { announce, port, publishEvents } from './baseline-feed.ts';

const streams = new Set<ServerResponse>();
const server = createServer((request, response) => {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' }).flushHeaders();
  streams.add(response);
  request.on('close', () => streams.delete(response));
});
server.listen(port, '127.0.0.1', () => announce(server.address()));
publishEvents((event) => {
  const chunk = Buffer.from(`id: ${event.seq}\ndata: ${event.json}\n\n`);
  for (const response of streams) response.write(chunk);
});
