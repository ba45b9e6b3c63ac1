/**
 * The page at `/`: the built dashboard when there is one, otherwise a short
 * page that links the API so the lab is usable from the first commit.
 */
import { existsSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import type { TransportContext } from '../transports/transport-context.ts';

const PLACEHOLDER = `<!doctype html>
<html lang="en"><meta charset="utf-8"><title>Transport Lab</title>
<body style="font-family:system-ui;max-width:40rem;margin:2rem auto;line-height:1.5">
<h1>Transport Lab</h1>
<p>The dashboard is not built. The feed is live; try it with curl:</p>
<ul>
<li><a href="/api/feed/short-poll">/api/feed/short-poll</a> (add <code>?since=SEQ</code>)</li>
<li><a href="/api/feed/long-poll?since=0">/api/feed/long-poll?since=0</a></li>
<li><a href="/api/feed/sse">/api/feed/sse</a> (<code>curl -N</code>)</li>
<li><code>/api/feed/websocket</code> (a WebSocket client)</li>
<li><a href="/api/metrics">/api/metrics</a>, <a href="/api/scenarios">/api/scenarios</a>, <a href="/api">/api</a></li>
</ul></body></html>`;

export async function webRoutes(app: FastifyInstance, { options }: TransportContext): Promise<void> {
  if (options.webRoot && existsSync(options.webRoot)) {
    // The build writes .br and .gz beside each asset: a classroom network carries ~200 KB, not ~700 KB.
    // Files are looked up per request (wildcard), so a rebuild's new asset names are served at once.
    await app.register(fastifyStatic, { root: options.webRoot, wildcard: true, preCompressed: true });
    return;
  }
  app.get('/', (_request, reply) => reply.type('text/html; charset=utf-8').send(PLACEHOLDER));
}
