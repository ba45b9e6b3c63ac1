/**
 * A WebSocket client that records every seq it receives, for tests that check
 * nobody else lost anything while something else was going on.
 */
import WebSocket from 'ws';

export interface FeedWatcher {
  seqs: number[];
  close(): void;
}

/** @param since=undefined resume position; 0 = from the first event */
export async function watchFeed(labUrl: string, client: string, since?: number): Promise<FeedWatcher> {
  const seqs: number[] = [];
  const query = since === undefined ? `client=${client}` : `client=${client}&since=${since}`;
  const socket = new WebSocket(`${labUrl.replace('http', 'ws')}/api/feed/websocket?${query}`);
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as { seq?: number };
    if (message.seq !== undefined) seqs.push(message.seq);
  });
  await new Promise((resolve) => socket.once('open', resolve));
  return { seqs, close: () => socket.close() };
}
