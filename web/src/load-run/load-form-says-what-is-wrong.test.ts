/** The load-run form's validation: each wrong field in words, in the order the form shows them; a good form is the request. */
import { describe, expect, it } from 'vitest';
import { checkLoadForm, MAX_CLIENTS, MAX_DURATION_S } from './load-form-problem.ts';

describe('checkLoadForm', () => {
  it('a good form becomes the request, spaces around the numbers allowed', () => {
    expect(checkLoadForm(' 10 ', '30', ['sse', 'websocket'])).toEqual({
      ok: true,
      request: { clientsPerTransport: 10, durationS: 30, transports: ['sse', 'websocket'] },
    });
    expect(checkLoadForm(String(MAX_CLIENTS), String(MAX_DURATION_S), ['sse'])).toMatchObject({ ok: true });
    expect(checkLoadForm('1', '1', ['sse'])).toMatchObject({ ok: true });
  });

  it.each(['', '0', '2501', '1.5', '-3', '1e3', 'ten'])('clients %j: names the field and its range', (text) => {
    expect(checkLoadForm(text, '30', ['sse'])).toEqual({
      ok: false,
      problem: 'Clients per transport: a whole number from 1 to 2500.',
    });
  });

  it.each(['', '0', '601', '2.5'])('duration %j: names the field and its range', (text) => {
    expect(checkLoadForm('10', text, ['sse'])).toEqual({
      ok: false,
      problem: 'Duration: a whole number of seconds from 1 to 600.',
    });
  });

  it('no transport ticked; and with two wrong fields the first is named', () => {
    expect(checkLoadForm('10', '30', [])).toEqual({ ok: false, problem: 'Choose at least one transport.' });
    expect(checkLoadForm('0', '0', [])).toMatchObject({ problem: expect.stringMatching(/^Clients per transport/) });
  });
});
