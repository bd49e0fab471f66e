import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { SERVING_MESSAGE } from '../../src/observability/log-format';

/** The built CLI (`npm test` builds dist/ first). */
export const HUB_BIN = path.join(__dirname, '..', '..', 'bin', 'hub.js');

/** A `hub` command running as its own process, with its output collected. */
export interface HubProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves when the output matches `pattern` (rejects on exit or timeout). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Resolves with the readiness entry `hub serve` logs (see {@link servingEntry}) once it appears. */
  waitForServing(timeoutMs?: number): Promise<ServingEntry>;
  exited: Promise<number | null>;
}

/** What `hub serve`'s readiness entry says: where it serves GraphQL. */
export interface ServingEntry {
  url: string;
  port: number;
  publicUrl: string;
}

/**
 * The readiness entry in a `hub serve` output: the JSON log line whose `msg`
 * is "hub serving GraphQL" (or, under `LOG_FORMAT=text`, the readable line of
 * the same entry, its fields as JSON after the message); null before it.
 */
export function servingEntry(output: string): ServingEntry | null {
  const lines = output.split('\n');
  lines.pop(); // a line still being written
  for (const line of lines) {
    const text = line.trim();
    if (!text.includes(SERVING_MESSAGE)) continue;
    if (text.startsWith('{')) {
      try {
        const entry = JSON.parse(text) as Record<string, unknown>;
        if (entry.msg === SERVING_MESSAGE) return entry as unknown as ServingEntry;
      } catch {
        // not a JSON entry
      }
      continue;
    }
    const at = text.indexOf(` ${SERVING_MESSAGE} {`);
    if (at >= 0) return JSON.parse(text.slice(at + SERVING_MESSAGE.length + 2)) as ServingEntry;
  }
  return null;
}

/** Starts `node bin/hub.js ...args` with `env` added to this process's environment. */
export function spawnHub(args: string[], env: Record<string, string | undefined>): HubProcess {
  // Tests never take the HJ 212 gateway's fixed default port (4212): off unless the test asks for one.
  const child = spawn(process.execPath, [HUB_BIN, ...args], { env: { HUB_HJ212_PORT: '0', ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitUntil = (cond: () => boolean, what: string, timeoutMs: number) =>
    new Promise<void>((resolve, reject) => {
      const started = Date.now();
      const timer = setInterval(() => {
        if (cond()) {
          clearInterval(timer);
          resolve();
        } else if (Date.now() - started > timeoutMs) {
          clearInterval(timer);
          reject(new Error(`timed out waiting for ${what}:\n${out}`));
        }
      }, 50);
      exited.then((code) => {
        if (cond()) return;
        clearInterval(timer);
        reject(new Error(`hub ${args.join(' ')} exited (${code}) before printing ${what}:\n${out}`));
      });
    });
  const waitFor = (pattern: RegExp, timeoutMs = 60_000) => waitUntil(() => pattern.test(out), String(pattern), timeoutMs);
  return {
    child,
    output: () => out,
    exited,
    waitFor,
    async waitForServing(timeoutMs = 60_000) {
      let entry: ServingEntry | null = null;
      await waitUntil(() => (entry ??= servingEntry(out)) !== null, `the '${SERVING_MESSAGE}' log entry`, timeoutMs);
      return entry!;
    },
  };
}
