import net from 'node:net';

/**
 * A stand-in for a Postgres server that checks passwords (the test server trusts everyone): it
 * asks the client for a cleartext password, refuses a wrong one with the server's own error
 * (FATAL 28P01, as after a rotation), and hands a right one through to the real server, which
 * then runs the session. `password` can be changed at any time: that is the rotation.
 *
 * @example
 *   const gate = await startPasswordGate({ port: 5432, password: 'old' });
 *   gate.password = 'new'; // connections with 'old' are now refused
 */
export async function startPasswordGate(target: { host?: string; port: number; password: string }) {
  const sockets = new Set<net.Socket>();
  const gate = {
    password: target.password,
    port: 0,
    refused: 0,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    let buffered = Buffer.alloc(0);
    let startup: Buffer | undefined;
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (!startup) {
        if (buffered.length < 4 || buffered.length < buffered.readInt32BE(0)) return;
        startup = buffered.subarray(0, buffered.readInt32BE(0));
        buffered = buffered.subarray(startup.length);
        // AuthenticationCleartextPassword
        client.write(Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 3]));
      }
      if (buffered.length < 5 || buffered.length < 1 + buffered.readInt32BE(1)) return;
      const length = buffered.readInt32BE(1);
      const password = buffered.subarray(5, 1 + length - 1).toString('utf8');
      const rest = buffered.subarray(1 + length);
      client.off('data', onData);
      if (password !== gate.password) {
        gate.refused++;
        client.end(errorResponse('28P01', 'password authentication failed for user'));
        return;
      }
      const upstream = net.connect(target.port, target.host ?? '127.0.0.1', () => {
        upstream.write(startup!);
        if (rest.length > 0) upstream.write(rest);
        client.pipe(upstream).pipe(client);
      });
      sockets.add(upstream);
      upstream.on('close', () => sockets.delete(upstream));
      upstream.on('error', () => client.destroy());
    };
    client.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  gate.port = (server.address() as net.AddressInfo).port;
  return gate;
}

/** A Postgres ErrorResponse: severity FATAL, the SQLSTATE and the message. */
function errorResponse(code: string, message: string): Buffer {
  const fields = Buffer.concat(
    [
      ['S', 'FATAL'],
      ['V', 'FATAL'],
      ['C', code],
      ['M', message],
    ].map(([type, value]) => Buffer.from(`${type}${value}\0`, 'utf8')),
  );
  const body = Buffer.concat([fields, Buffer.from([0])]);
  const header = Buffer.alloc(5);
  header.write('E', 0);
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}
