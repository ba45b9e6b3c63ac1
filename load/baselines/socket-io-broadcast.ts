/** Baseline: the barest Socket.IO broadcast — every event to every socket of `/feed` with one `emit` (encoded once by the adapter). */
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { announce, port, publishEvents } from './baseline-feed.ts';

const server = createServer();
const feed = new Server(server, { serveClient: false, perMessageDeflate: false, httpCompression: false }).of('/feed');
server.listen(port, '127.0.0.1', () => announce(server.address()));
publishEvents((event) => feed.emit('feed', JSON.parse(event.json.toString('utf8'))));
