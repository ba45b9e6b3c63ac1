/** Baseline: the barest long poll with `node:http` — hold each request until an event after `since`. */
import { createServer, type ServerResponse } from 'node:http';
import { announce, newestSeq, pollAnswer, port, publishEvents } from './baseline-feed.ts';

const waiting = new Map<ServerResponse, number>();
const answer = (response: ServerResponse, since: number): void => {
  waiting.delete(response);
  response.writeHead(200, { 'content-type': 'application/json' }).end(pollAnswer(since));
};
const server = createServer((request, response) => {
  const since = Number(new URL(request.url ?? '/', 'http://x').searchParams.get('since') ?? newestSeq());
  if (since < newestSeq()) return answer(response, since);
  waiting.set(response, since);
  const timer = setTimeout(() => waiting.has(response) && answer(response, since), 25_000);
  response.on('close', () => {
    clearTimeout(timer);
    waiting.delete(response);
  });
});
server.listen(port, '127.0.0.1', () => announce(server.address()));
publishEvents(() => {
  for (const [response, since] of waiting) answer(response, since);
});
