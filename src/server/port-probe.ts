import http from 'node:http';
import net from 'node:net';
import { ClientError } from '../domain/client-error';

/** The port a hub would serve on is taken: by a running hub (it answered /healthz) or by another program. */
export class PortBusyError extends ClientError {
  constructor(
    readonly port: number,
    readonly hubRunning: boolean,
  ) {
    super(
      hubRunning
        ? `the hub is already running on port ${port} (http://localhost:${port}/graphql); stop it first, or start another one with --port N (or PORT=N)`
        : `port ${port} is in use by another program; start the hub with --port N (or PORT=N)`,
      { value: port },
    );
  }
}

function answersAsHub(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/healthz', timeout: 2000 }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve(res.statusCode === 200 && /"status"\s*:\s*"ok"/.test(body)));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

/**
 * Refuses to go on when `port` is taken, before anything is started (the
 * embedded database, the simulator, a first sync): a second `hub serve` or
 * `npm start` says a hub already serves there. Port 0 (any free port) passes.
 */
export async function assertPortFree(port: number, host = '0.0.0.0'): Promise<void> {
  if (port === 0) return;
  const inUse = await new Promise<boolean>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (e: NodeJS.ErrnoException) => (e.code === 'EADDRINUSE' ? resolve(true) : reject(e)));
    probe.listen(port, host, () => probe.close(() => resolve(false)));
  });
  if (inUse) throw new PortBusyError(port, await answersAsHub(port));
}
