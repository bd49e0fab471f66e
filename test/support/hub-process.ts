import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

/** The built CLI (`npm test` builds dist/ first). */
export const HUB_BIN = path.join(__dirname, '..', '..', 'bin', 'hub.js');

/** A `hub` command running as its own process, with its output collected. */
export interface HubProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves when the output matches `pattern` (rejects on exit or timeout). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<number | null>;
}

/** Starts `node bin/hub.js ...args` with `env` added to this process's environment. */
export function spawnHub(args: string[], env: Record<string, string | undefined>): HubProcess {
  // Tests never take the HJ 212 gateway's fixed default port (4212): off unless the test asks for one.
  const child = spawn(process.execPath, [HUB_BIN, ...args], { env: { HUB_HJ212_PORT: '0', ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    exited,
    waitFor(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const started = Date.now();
        const timer = setInterval(() => {
          if (pattern.test(out)) {
            clearInterval(timer);
            resolve();
          } else if (Date.now() - started > timeoutMs) {
            clearInterval(timer);
            reject(new Error(`timed out waiting for ${pattern}:\n${out}`));
          }
        }, 50);
        exited.then((code) => {
          if (pattern.test(out)) return;
          clearInterval(timer);
          reject(new Error(`hub ${args.join(' ')} exited (${code}) before printing ${pattern}:\n${out}`));
        });
      });
    },
  };
}
