/**
 * What theory predicts, as small pure formulas shared by the dashboard and the
 * lessons, so a prediction is defined once. Times in milliseconds, sizes in
 * bytes, rates per second.
 */

/**
 * Short poll mean delivery latency. The client waits `intervalMs` after each
 * answer, so one cycle lasts T + RTT; an event published at a random moment
 * waits on average half a cycle for the next request to reach the server,
 * then half a round trip for the answer to come back: (T + RTT)/2 + RTT/2.
 */
export function shortPollMeanLatencyMs(intervalMs: number, rttMs: number): number {
  return (intervalMs + rttMs) / 2 + rttMs / 2;
}

/**
 * Long poll mean delivery latency: half a round trip when a request is
 * already waiting at the server, plus on average another round trip for the
 * share of events that land while the next request is still on its way.
 */
export function longPollMeanLatencyMs(ratePerSecond: number, rttMs: number): number {
  const landInGap = Math.min(1, (ratePerSecond * rttMs) / 1000);
  return rttMs / 2 + landInGap * (rttMs / 2);
}

/** SSE and WebSocket: the connection is already open, so an event needs half a round trip. */
export function streamLatencyMs(rttMs: number): number {
  return rttMs / 2;
}

/**
 * WebSocket frame header (RFC 6455): 2 bytes for payloads ≤ 125 B, 4 up to
 * 65,535 B, 10 above; a client → server frame adds a 4-byte mask key.
 */
export function webSocketFrameHeaderBytes(payloadBytes: number, masked = false): number {
  const base = payloadBytes <= 125 ? 2 : payloadBytes <= 65_535 ? 4 : 10;
  return base + (masked ? 4 : 0);
}

/** Base64 text of `rawBytes` bytes (RFC 4648, padded): 4 characters per 3 bytes, +33%. */
export function base64Bytes(rawBytes: number): number {
  return 4 * Math.ceil(rawBytes / 3);
}
