/**
 * The chat's broadcast choice, a lab setting (`PUT /api/socket-io/settings`):
 * `others` (`socket.broadcast.emit`) — the sender does not get its own
 * message; `everyone` (`io.emit`) — it does. Messages on one connection
 * arrive in order, so once the sender has its second message, the first
 * would have come before it had it been sent. The setting is a control
 * action: the Origin check, the teacher token, coded errors for bad values.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { nodeEnv } from '../clients/node-env.ts';
import { SocketIoClient } from '../clients/socket-io-client.ts';
import type { ChatMessage, SocketIoSettingsReading } from '../protocol/socket-io-features.ts';
import { type RunningLab, sleep, startLab, waitFor } from './support/lab-server.ts';

const TOKEN = 'teacher-token-for-the-chat-test';
let lab: RunningLab;
const clients: SocketIoClient[] = [];

beforeAll(async () => {
  lab = await startLab({ teacherToken: TOKEN });
});
afterEach(() => {
  for (const client of clients.splice(0)) client.stop();
});
afterAll(async () => {
  await lab.close();
});

function putSettings(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${lab.url}/api/socket-io/settings`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}`, ...headers },
    body: JSON.stringify(body),
  });
}

function chatter(clientId: string): { client: SocketIoClient; heard: ChatMessage[] } {
  const heard: ChatMessage[] = [];
  const client = new SocketIoClient({ baseUrl: lab.url, clientId, env: nodeEnv() });
  clients.push(client);
  client.joinChat((message) => heard.push(message));
  client.start();
  return { client, heard };
}

describe('who gets a chat message', () => {
  it('others: the sender does not get its own message; everyone: it does', async () => {
    const alice = chatter('alice');
    const bob = chatter('bob');
    await waitFor(() => alice.client.state === 'open' && bob.client.state === 'open', 5000, 'both clients');
    await sleep(100); // the /chat connects follow the /feed ones

    expect((await putSettings({ chatBroadcast: 'others' })).status).toBe(200);
    await alice.client.chat('first, to the others');
    expect((await putSettings({ chatBroadcast: 'everyone' })).status).toBe(200);
    await alice.client.chat('second, to everyone');

    await waitFor(() => bob.heard.length === 2 && alice.heard.length === 1, 5000, 'the messages');
    expect(bob.heard.map((m) => m.text)).toEqual(['first, to the others', 'second, to everyone']);
    // In order on alice's connection: had the first come to her, it would be before the second.
    expect(alice.heard.map((m) => m.text)).toEqual(['second, to everyone']);
    expect(alice.heard[0]?.from).toBe('alice');
    const reading = (await (await fetch(`${lab.url}/api/socket-io/settings`)).json()) as SocketIoSettingsReading;
    expect(reading).toMatchObject({ chatBroadcast: 'everyone' });
  });

  it('is a control action: a foreign page is refused, no token is refused, a bad value gets a coded error', async () => {
    const foreign = await putSettings({ chatBroadcast: 'others' }, { Origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as { code: string }).code).toBe('LAB_ERR_FOREIGN_ORIGIN');
    const anonymous = await fetch(`${lab.url}/api/socket-io/settings`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: '{"chatBroadcast":"others"}',
    });
    expect(anonymous.status).toBe(401);
    const bad = await putSettings({ chatBroadcast: 'the-teacher' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      code: 'LAB_ERR_BAD_BODY',
      message: '"chatBroadcast" must be one of others, everyone (got "the-teacher")',
    });
    const unknown = await putSettings({ loud: true });
    expect(((await unknown.json()) as { message: string }).message).toBe(
      'unknown field "loud"; allowed: chatBroadcast, volatile',
    );
    const reading = (await (await fetch(`${lab.url}/api/socket-io/settings`)).json()) as SocketIoSettingsReading;
    expect(reading.chatBroadcast).toBe('everyone');
  });

  it('a malformed chat message is answered in its ack with LAB_ERR_BAD_CHAT, and the chat goes on', async () => {
    const carol = chatter('carol');
    await waitFor(() => carol.client.state === 'open', 5000, 'the client');
    await sleep(100);
    await expect(carol.client.chat('')).rejects.toMatchObject({ code: 'LAB_ERR_BAD_CHAT' });
    await expect(carol.client.chat('x'.repeat(501))).rejects.toMatchObject({ code: 'LAB_ERR_BAD_CHAT' });
    await carol.client.chat('still here');
    await waitFor(() => carol.heard.length === 1, 5000, 'the good message');
    expect(carol.heard[0]?.text).toBe('still here');
  });
});
