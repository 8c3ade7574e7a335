import type { Server } from 'node:net';

/**
 * Connections the kernel may queue for a local server before it accepts them. With Node's default (511), a burst of a
 * thousand clients connecting at once while the one event loop is busy overflows the queue: dropped handshakes are
 * retried a second later, and some connections are reset. Linux caps it at net.core.somaxconn (4096 by default).
 */
export const LISTEN_BACKLOG = 4096;

/** Starts `server` listening on `host:port` (port 0: any free one) with LISTEN_BACKLOG; resolves once it listens. */
export const listen = (server: Server, port: number, host: string): Promise<void> =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
      server.off('error', reject);
      resolve();
    });
  });
