import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP forwarder on a port of its own, to make a service appear (or vanish) for the code under
 * test without touching the shared service: `port` is reserved at once, but nothing listens on it
 * until `start()`, so a client first finds the service down.
 *
 * @example
 *   const proxy = await tcpProxy(5672);
 *   const url = `amqp://guest:guest@127.0.0.1:${proxy.port}`; // refused for now
 *   await proxy.start(); // the broker "appears"
 *   await proxy.close();
 */
export async function tcpProxy(targetPort: number, targetHost = '127.0.0.1') {
  const port = await freePort();
  const sockets = new Set<Socket>();
  let server: Server | undefined;

  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };

  return {
    port,
    /** Listen on `port` and forward every connection to the target. */
    start(): Promise<void> {
      server = createServer((client) => {
        const upstream = connect(targetPort, targetHost);
        track(client);
        track(upstream);
        client.pipe(upstream).pipe(client);
        client.once('close', () => upstream.destroy());
        upstream.once('close', () => client.destroy());
      });
      return new Promise((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(port, '127.0.0.1', () => resolve());
      });
    },
    /** Stop listening and cut every forwarded connection. */
    async close(): Promise<void> {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      server = undefined;
    },
  };
}

/** A port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
