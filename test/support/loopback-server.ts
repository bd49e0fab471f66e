import http from 'node:http';
import { AddressInfo } from 'node:net';

/**
 * A real HTTP server on a loopback port that answers request number `n` (from 0) with `answer(n, req, res)`;
 * `url` ends in `path`, `requests()` counts what it was asked, `close()` cuts open connections (after `onClose`,
 * e.g. clearing the answers' timers) and stops it.
 */
export async function loopbackServer(
  path: string,
  answer: (n: number, req: http.IncomingMessage, res: http.ServerResponse) => void,
  onClose?: () => void,
): Promise<{ url: string; requests(): number; close(): Promise<void> }> {
  let n = 0;
  const server = http.createServer((req, res) => answer(n++, req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`,
    requests: () => n,
    close: () =>
      new Promise<void>((r) => {
        onClose?.();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
