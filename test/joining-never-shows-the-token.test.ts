/**
 * Joining a class: what the teacher may project (the terminal's student part,
 * the page's join code from `GET /api/join`) names the student URL and never
 * the token; the terminal says which part is which.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../server/app.ts';
import { lanBanner, lanUrls } from '../server/lan-addresses.ts';

const TOKEN = 'join-test-token-4f1c';

describe('joining a class', () => {
  let app: FastifyInstance | null = null;
  afterEach(async () => {
    await app?.close();
    app = null;
  });

  it('the terminal puts the student part (URL and QR) first and the token alone under a "do not project" rule', () => {
    const banner = lanBanner(3000, TOKEN);
    const rule = banner.indexOf('TEACHER ONLY');
    expect(rule).toBeGreaterThan(0);
    const projectable = banner.slice(0, rule);
    expect(projectable).toContain('you may project this');
    expect(projectable).not.toContain(TOKEN);
    expect(projectable).toMatch(/[▀▄█]/); // the QR code is in the projectable part
    const teacherPart = banner.slice(rule);
    expect(teacherPart).toContain('do not project');
    expect(teacherPart.split(TOKEN)).toHaveLength(2); // the token appears once, here
  });

  const joinUrls = async (lan: boolean): Promise<{ port: number; urls: string[] }> => {
    app = await buildApp({ seed: 1, conditionerPort: null, lan, teacherToken: TOKEN });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('lab did not bind a TCP port');
    const answer = await fetch(`http://127.0.0.1:${address.port}/api/join`);
    expect(answer.status).toBe(200);
    return { port: address.port, urls: ((await answer.json()) as { urls: string[] }).urls };
  };

  it("GET /api/join in LAN mode answers the student URLs on the lab's port, without the token, to anyone", async () => {
    const { port, urls } = await joinUrls(true);
    expect(urls).toEqual(lanUrls(port)); // this machine's every IPv4 network, as the terminal prints them
    for (const url of urls) {
      expect(url).toMatch(new RegExp(`^http://\\d+\\.\\d+\\.\\d+\\.\\d+:${port}/$`));
      expect(url).not.toContain(TOKEN);
    }
  });

  it('GET /api/join off LAN mode has no LAN URL to offer', async () => {
    const { urls } = await joinUrls(false);
    expect(urls).toEqual([]);
  });
});
