/** A link reproduces a setup: the configuration survives the query string, and junk in it falls back to defaults. */
import { describe, expect, it } from 'vitest';
import { configToSearch, DEFAULT_CONFIG, type LabConfig, parseConfig } from './lab-config.ts';

describe('the configuration in the URL', () => {
  it('round-trips every setting', () => {
    const config: LabConfig = {
      scenario: 'chat-room',
      rate: 2.5,
      payload: 300,
      interval: 250,
      timeout: 5000,
      lane: 'polling',
      enabled: { 'short-poll': true, 'long-poll': false, sse: true, websocket: false, 'socket-io': true },
      http: 'http/1.1',
      conditional: true,
      theme: 'dark',
      presenter: true,
      log: true,
      lesson: 'websocket-headers-once',
      view: 'stage',
    };
    const search = configToSearch(config);
    expect(search).toBe(
      '?scenario=chat-room&rate=2.5&payload=300&interval=250&timeout=5000&lane=polling&off=long-poll,websocket&http=1.1&conditional=1&theme=dark&presenter=1&log=1&lesson=websocket-headers-once&view=stage',
    );
    expect(parseConfig(search)).toEqual(config);
  });

  it('leaves defaults out, so a plain link stays plain', () => {
    expect(configToSearch(DEFAULT_CONFIG)).toBe('');
    expect(parseConfig('')).toEqual(DEFAULT_CONFIG);
  });

  it('ignores values it cannot use', () => {
    const config = parseConfig(
      '?scenario=../etc&rate=-1&payload=abc&interval=9999999&timeout=5&off=carrier-pigeon&theme=pink&lesson=<script>&view=cinema',
    );
    expect(config).toEqual(DEFAULT_CONFIG);
  });
});
