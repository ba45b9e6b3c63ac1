/**
 * A client's start (first-event-setup.ts): its requests before the first
 * event, the time from its first request, and the lab's reading taken as the
 * first event came, called exact only when it holds just the client's
 * requests and the events that arrived with the first (a poll answer's batch).
 */
import { describe, expect, it } from 'vitest';
import { emptyTransportMetrics, type TransportMetrics } from '../../protocol/metrics.ts';
import { FirstEventSetup } from './first-event-setup.ts';

function reading(requests: number, messages: number, downPayload: number): TransportMetrics {
  const metrics = emptyTransportMetrics();
  metrics.requests = requests;
  metrics.messages = messages;
  metrics.bytes.up.header = 100 * requests;
  metrics.bytes.down.payload = downPayload;
  return metrics;
}

describe('the start before the first event', () => {
  it('counts the requests before the first event and times it from the first request', () => {
    const setup = new FirstEventSetup(emptyTransportMetrics());
    setup.request(1000);
    setup.request(1010);
    setup.request(1020);
    expect(setup.event(1070)).toBe(true);
    setup.request(1080); // after the first event: not the start's
    expect(setup.event(1090)).toBe(false);
    expect(setup.view()).toMatchObject({ timeToFirstEventMs: 70, requests: 3, reading: null });
  });

  it('a reading with the client’s requests and the first arrival’s batch is exact, counted from the client’s start', () => {
    const atStart = reading(5, 40, 4000);
    const setup = new FirstEventSetup(atStart);
    setup.request(0);
    setup.request(5);
    setup.event(20);
    setup.event(20); // the same answer's second event
    setup.arrivalEnded();
    setup.event(30); // a later answer: not the first arrival
    setup.meterRead(reading(7, 42, 4300));
    expect(setup.view().reading).toEqual({ bytes: 200 + 300, requests: 2, events: 2, exact: true });
  });

  it('a reading that already holds a request sent after the first event is not exact, and says what it holds', () => {
    const setup = new FirstEventSetup(emptyTransportMetrics());
    setup.request(0);
    setup.event(10);
    setup.meterRead(reading(2, 1, 150));
    expect(setup.view().reading).toBeNull(); // the arrival is not over yet
    setup.arrivalEnded();
    expect(setup.view().reading).toEqual({ bytes: 350, requests: 2, events: 1, exact: false });
  });
});
