import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tcpProxy, type TcpProxy } from '../helpers/tcp-proxy.ts';
import { waitFor } from '../helpers/wait.ts';

/** The chaos suite's fault proxy, against a local echo server: a wrong fault makes every verdict wrong. */
let echo: Server;
let proxy: TcpProxy;

beforeEach(async () => {
  echo = createServer((socket) => socket.on('error', () => socket.destroy()).pipe(socket));
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  proxy = await tcpProxy((echo.address() as { port: number }).port);
  await proxy.start();
});

afterEach(async () => {
  await proxy.close();
  await new Promise((resolve) => echo.close(resolve));
});

/** A client of the proxy that keeps what it receives. */
async function client() {
  const socket: Socket = connect(proxy.port, '127.0.0.1');
  let received = '';
  socket.on('data', (chunk) => (received += chunk.toString()));
  const closed = new Promise<string>((resolve) => {
    socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    socket.on('close', () => resolve('closed'));
  });
  await new Promise((resolve) => socket.once('connect', resolve));
  return { socket, received: () => received, closed };
}

describe('tcpProxy', () => {
  it('forwards both ways and counts the connections it holds', async () => {
    const a = await client();
    a.socket.write('hello');
    await waitFor(() => a.received() === 'hello');
    expect(proxy.live).toBe(1);
    expect(proxy.accepted).toBe(1);
    a.socket.destroy();
    await waitFor(() => proxy.live === 0);
  });

  it('reset() cuts every live connection with a reset and keeps forwarding new ones', async () => {
    const [a, b] = [await client(), await client()];
    expect(proxy.reset()).toBe(2);
    expect(await a.closed).toBe('ECONNRESET');
    expect(await b.closed).toBe('ECONNRESET');
    const c = await client();
    c.socket.write('again');
    await waitFor(() => c.received() === 'again');
    c.socket.destroy();
  });

  it('blackhole() delivers nothing either way, new connections included, until heal() delivers it in order', async () => {
    const a = await client();
    proxy.blackhole();
    a.socket.write('one ');
    a.socket.write('two');
    const b = await client(); // accepted, but it reaches nothing
    b.socket.write('late');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(a.received()).toBe('');
    expect(b.received()).toBe('');
    proxy.heal();
    await waitFor(() => a.received() === 'one two' && b.received() === 'late');
    a.socket.destroy();
    b.socket.destroy();
  });

  it('slow() delivers each chunk late', async () => {
    const a = await client();
    proxy.slow(150);
    const sentAt = Date.now();
    a.socket.write('slow');
    await waitFor(() => a.received() === 'slow');
    // Late on the way there and on the way back.
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(290);
    a.socket.destroy();
  });

  it('close() cuts live connections and refuses new ones until start()', async () => {
    const a = await client();
    await proxy.close();
    expect(await a.closed).not.toBe('open');
    const refused = connect(proxy.port, '127.0.0.1');
    const error = await new Promise<string>((resolve) =>
      refused.on('error', (e: NodeJS.ErrnoException) => resolve(e.code!)),
    );
    expect(error).toBe('ECONNREFUSED');
    await proxy.start();
    const b = await client();
    b.socket.write('back');
    await waitFor(() => b.received() === 'back');
    b.socket.destroy();
  });
});
