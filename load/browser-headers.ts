/**
 * The request headers a virtual client sends, so the meter shows what a real
 * browser's requests cost. Header bytes are the heart of the polling lesson: a
 * ~500-byte browser head on every poll dwarfs an ~80-byte event, while Node's
 * fetch sends ~200 bytes and would make polling look cheaper than it is.
 *
 * The sets copy Chrome 156 on Linux talking to the lab's own page (same
 * origin): what `fetch()`, `new EventSource()` and `new WebSocket()` send there.
 * Header order follows Chrome's; the byte count is what matters to the meter.
 */

/** `node`: Node's fetch/`ws` as they are; `browser`: Chrome's headers; `browser-cookies`: plus ~1 KB of cookies. */
export const HEADER_SETS = ['node', 'browser', 'browser-cookies'] as const;
export type HeaderSetName = (typeof HEADER_SETS)[number];

/** Which browser API makes the request: each sends its own headers. */
export type RequestKind = 'fetch-get' | 'fetch-post' | 'event-source' | 'websocket-upgrade';

export function isHeaderSetName(value: unknown): value is HeaderSetName {
  return typeof value === 'string' && (HEADER_SETS as readonly string[]).includes(value);
}

const USER_AGENT =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';
const CLIENT_HINTS = {
  'sec-ch-ua': '"Chromium";v="156", "Google Chrome";v="156", "Not-A.Brand";v="99"',
  'sec-ch-ua-mobile': '?0',
  'sec-ch-ua-platform': '"Linux"',
};
const ACCEPT_ENCODING = 'gzip, deflate, br, zstd';
const ACCEPT_LANGUAGE = 'en-US,en;q=0.9';

/**
 * ~1 KB of cookies, as a site with analytics, consent and a session typically
 * sets them. Fixed text (not random) so runs are byte-for-byte comparable.
 */
export const BROWSER_COOKIE = [
  '_ga=GA1.1.1462315537.1761041813',
  '_ga_7XK2Q4N8ZP=GS2.1.s1763770000$o14$g1$t1763771864$j47$l0$h0',
  '_gid=GA1.1.904512337.1763670012',
  '_gcl_au=1.1.1846209931.1761041813',
  '_fbp=fb.1.1761041813402.913448201567112233',
  'cookie_consent=%7B%22necessary%22%3Atrue%2C%22analytics%22%3Atrue%2C%22marketing%22%3Afalse%2C%22version%22%3A3%7D',
  'theme=dark',
  'lang=en-US',
  'csrftoken=Yp4rV7kQ2mX9sL3nB8cT1wZ6hJ0fD5gA4eR7uI2oP9qW3sE6tY1uI8oP5aS2dF7g',
  `sessionid=${'s.eyJ1aWQiOjQ4MjkxLCJyb2xlIjoic3R1ZGVudCIsImNsYXNzIjoibmV0d29ya2luZy0xMDEifQ'}.${'Zk3Lq9'.repeat(28)}`,
  `_hjSessionUser_3318805=${'eyJpZCI6ImQ1ZjE4YmEwLTk2YzMtNTVmMy1hMjY0LTE5ZjM2ZTRkNjI3MCIsImNyZWF0ZWQiOjE3NjEwNDE4MTM0MDUsImV4aXN0aW5nIjp0cnVlfQ=='}`,
  `_hjSession_3318805=${'eyJpZCI6IjQ3YzYzNmM3LTRlYTgtNDJjYi1hNzQ2LTJmNTQ5NjQ5ZTRkNSIsImMiOjE3NjM3NzAwMDAwMDAsInMiOjAsInIiOjAsInNiIjowfQ=='}`,
].join('; ');

/**
 * What Node's global fetch adds to every request on its own (undici's fetch
 * algorithm), so a client sending these sends Node's fetch's exact bytes.
 * EventSource asks for `cache: no-store`, which adds the two no-cache headers.
 */
const NODE_FETCH_HEADERS = {
  accept: '*/*',
  'accept-language': '*',
  'sec-fetch-mode': 'cors',
  'user-agent': 'node',
  'accept-encoding': 'gzip, deflate',
};

/**
 * Every header of one request except what the client library adds itself
 * (Host and Connection; for WebSocket the key, version, Upgrade and Origin;
 * the request's own Content-Type, Accept of EventSource, Last-Event-ID).
 * `node` is what Node's fetch and `ws` send: nothing extra on a WebSocket.
 * @param origin the lab's origin, e.g. `http://127.0.0.1:3000`: the page the browser would be on
 */
export function requestHeaders(set: HeaderSetName, kind: RequestKind, origin: string): Record<string, string> {
  if (set === 'node') {
    if (kind === 'websocket-upgrade') return {};
    return kind === 'event-source'
      ? { ...NODE_FETCH_HEADERS, pragma: 'no-cache', 'cache-control': 'no-cache' }
      : NODE_FETCH_HEADERS;
  }
  const cookie: Record<string, string> = set === 'browser-cookies' ? { Cookie: BROWSER_COOKIE } : {};
  const page = `${origin}/`;
  switch (kind) {
    case 'fetch-get':
      return {
        'sec-ch-ua-platform': CLIENT_HINTS['sec-ch-ua-platform'],
        'User-Agent': USER_AGENT,
        'sec-ch-ua': CLIENT_HINTS['sec-ch-ua'],
        'sec-ch-ua-mobile': CLIENT_HINTS['sec-ch-ua-mobile'],
        Accept: '*/*',
        'Sec-Fetch-Site': 'same-origin',
        'Sec-Fetch-Mode': 'cors',
        'Sec-Fetch-Dest': 'empty',
        Referer: page,
        'Accept-Encoding': ACCEPT_ENCODING,
        'Accept-Language': ACCEPT_LANGUAGE,
        ...cookie,
      };
    case 'fetch-post':
      // A same-origin POST carries Origin too; Content-Type and Content-Length come from the request.
      return {
        'sec-ch-ua-platform': CLIENT_HINTS['sec-ch-ua-platform'],
        'User-Agent': USER_AGENT,
        'sec-ch-ua': CLIENT_HINTS['sec-ch-ua'],
        'sec-ch-ua-mobile': CLIENT_HINTS['sec-ch-ua-mobile'],
        Accept: '*/*',
        Origin: origin,
        'Sec-Fetch-Site': 'same-origin',
        'Sec-Fetch-Mode': 'cors',
        'Sec-Fetch-Dest': 'empty',
        Referer: page,
        'Accept-Encoding': ACCEPT_ENCODING,
        'Accept-Language': ACCEPT_LANGUAGE,
        ...cookie,
      };
    case 'event-source':
      // Accept: text/event-stream and Last-Event-ID come from the EventSource itself.
      return {
        'sec-ch-ua-platform': CLIENT_HINTS['sec-ch-ua-platform'],
        'Cache-Control': 'no-cache',
        'User-Agent': USER_AGENT,
        'sec-ch-ua': CLIENT_HINTS['sec-ch-ua'],
        'sec-ch-ua-mobile': CLIENT_HINTS['sec-ch-ua-mobile'],
        'Sec-Fetch-Site': 'same-origin',
        'Sec-Fetch-Mode': 'cors',
        'Sec-Fetch-Dest': 'empty',
        Referer: page,
        'Accept-Encoding': ACCEPT_ENCODING,
        'Accept-Language': ACCEPT_LANGUAGE,
        ...cookie,
      };
    case 'websocket-upgrade':
      // Upgrade, Connection, Sec-WebSocket-Key/-Version/-Extensions and Origin come from the WebSocket itself.
      return {
        Pragma: 'no-cache',
        'Cache-Control': 'no-cache',
        'User-Agent': USER_AGENT,
        'Accept-Encoding': ACCEPT_ENCODING,
        'Accept-Language': ACCEPT_LANGUAGE,
        ...cookie,
      };
  }
}
