/**
 * A TCP proxy that forwards bytes unchanged until a chosen string passes
 * (e.g. Socket.IO's `40/feed` namespace connect going up, or `3probe` coming
 * down): then, once, it runs the test's action (e.g. publish events) and cuts
 * — every open connection, or only the one that carried the string — at an
 * exact moment of a handshake. After that it forwards everything again.
 */
import net from 'node:net';

export interface TripwireProxy {
  url: string;
  /** True once the tripwire has fired. */
  fired(): boolean;
  close(): Promise<void>;
}

export interface Tripwire {
  /** The string that fires it, seen within one chunk. */
  marker: string;
  /** `up`: client → lab (the chunk is kept back); `down`: lab → client (the chunk is delivered first). */
  direction: 'up' | 'down';
  /** `all`: a network drop; `own`: only the connection that carried the marker. */
  cut: 'all' | 'own';
  /** Runs once, before the cut. */
  onTrip?: () => void;
}

export async function startTripwireProxy(targetPort: number, tripwire: Tripwire): Promise<TripwireProxy> {
  let tripped = false;
  const open = new Set<net.Socket>();
  const cutAll = (): void => {
    for (const socket of open) socket.destroy();
    open.clear();
  };

  const server = net.createServer((client) => {
    const lab = net.connect(targetPort, '127.0.0.1');
    open.add(client);
    open.add(lab);
    const trips = (data: Buffer, direction: Tripwire['direction']): boolean => {
      if (tripped || direction !== tripwire.direction || !data.includes(tripwire.marker)) return false;
      tripped = true;
      tripwire.onTrip?.();
      return true;
    };
    const cut = (): void => {
      if (tripwire.cut === 'all') cutAll();
      else closeBoth();
    };
    client.on('data', (data) => {
      if (trips(data, 'up')) return cut();
      if (!lab.write(data)) client.pause();
    });
    lab.on('drain', () => client.resume());
    lab.on('data', (data) => {
      if (trips(data, 'down')) {
        client.write(data, cut);
        return;
      }
      if (!client.write(data)) lab.pause();
    });
    client.on('drain', () => lab.resume());
    const closeBoth = (): void => {
      client.destroy();
      lab.destroy();
      open.delete(client);
      open.delete(lab);
    };
    client.on('end', () => lab.end());
    lab.on('end', () => client.end());
    client.on('close', closeBoth);
    lab.on('close', closeBoth);
    client.on('error', closeBoth);
    lab.on('error', closeBoth);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    fired: () => tripped,
    close: async () => {
      cutAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
