/**
 * An independent byte count: a TCP proxy that forwards bytes unchanged and
 * counts them per direction. It knows nothing of HTTP or the lab, which is
 * the point — the lab's meter must agree with it to the byte.
 */
import net from 'node:net';

export interface CountingProxy {
  url: string;
  port: number;
  /** Bytes client → lab and lab → client, over all connections so far (up: those the lab could still read). */
  bytes(): { up: number; down: number };
  /**
   * Bytes the client sent after the lab had closed its side (its FIN came first): the lab never reads them (its
   * kernel answers with a reset), so no meter of the lab can count them — over TLS, the client's close_notify
   * in answer to the lab's.
   */
  lateUp(): number;
  connections(): number;
  /** Cuts every open connection at once, both sides (a network drop). */
  dropAll(): void;
  close(): Promise<void>;
}

export async function startCountingProxy(targetPort: number): Promise<CountingProxy> {
  let up = 0;
  let lateUp = 0;
  let down = 0;
  let connections = 0;
  const open = new Set<net.Socket>();

  const server = net.createServer((client) => {
    connections += 1;
    const lab = net.connect(targetPort, '127.0.0.1');
    open.add(client);
    open.add(lab);
    let labEnded = false;
    client.on('data', (data) => {
      if (labEnded) lateUp += data.length;
      else up += data.length;
      if (!lab.write(data)) client.pause();
    });
    lab.on('drain', () => client.resume());
    lab.on('data', (data) => {
      down += data.length;
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
    lab.on('end', () => {
      labEnded = true;
      client.end();
    });
    client.on('close', closeBoth);
    lab.on('close', closeBoth);
    client.on('error', closeBoth);
    lab.on('error', closeBoth);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    bytes: () => ({ up, down }),
    lateUp: () => lateUp,
    connections: () => connections,
    dropAll: () => {
      for (const socket of open) socket.destroy();
      open.clear();
    },
    close: async () => {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
