/** Baseline: the barest short poll with `node:http` — answer at once with whatever is after `since`. */
import { createServer } from 'node:http';
import { announce, newestSeq, pollAnswer, port, publishEvents } from './baseline-feed.ts';

const server = createServer((request, response) => {
  const since = Number(new URL(request.url ?? '/', 'http://x').searchParams.get('since') ?? newestSeq());
  response.writeHead(200, { 'content-type': 'application/json' }).end(pollAnswer(since));
});
server.listen(port, '127.0.0.1', () => announce(server.address()));
publishEvents(() => {});
