import { createServer, type AddressInfo, type Server } from 'node:net';
import { listen, LISTEN_BACKLOG } from '../../../local/listen';

const servers: Server[] = [];
const aServer = (): Server => {
  const server = createServer((socket) => socket.end());
  servers.push(server);
  return server;
};

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('listen', () => {
  it('listens on a free port of the host with a queue for a burst of connections, not the default 511', async () => {
    const server = aServer();
    const listenSpy = jest.spyOn(server, 'listen');

    await listen(server, 0, '127.0.0.1');

    expect(LISTEN_BACKLOG).toBe(4096);
    expect(listenSpy).toHaveBeenCalledWith(
      { port: 0, host: '127.0.0.1', backlog: LISTEN_BACKLOG },
      expect.any(Function),
    );
    expect((server.address() as AddressInfo).port).toBeGreaterThan(0);
  });

  it('rejects when the port is taken', async () => {
    const first = aServer();
    await listen(first, 0, '127.0.0.1');
    const { port } = first.address() as AddressInfo;

    await expect(listen(aServer(), port, '127.0.0.1')).rejects.toThrow('EADDRINUSE');
  });
});
