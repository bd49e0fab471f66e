import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findFreePort, processAlive, readPostmasterPid } from '../src/db/embedded-postgres';
import { until } from './support/drill-kit';
import { HubProcess, spawnHub } from './support/hub-process';

/**
 * Issue 14 items 11 and 12: a hub on the embedded PostgreSQL keeps its
 * database while other commands run beside it, restarts it when it dies, and
 * stops everything when the process a user started is signalled. Each test
 * runs its own cluster on ports picked at run time (never the suite's 55432).
 */

/** Pids of every process below `root` (children, grandchildren, ...), read from /proc. */
function descendants(root: number): number[] {
  const parent = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      parent.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  const walk = (pid: number) => {
    for (const [child, ppid] of parent)
      if (ppid === pid) {
        found.push(child);
        walk(child);
      }
  };
  walk(root);
  return found;
}

async function readyStatus(port: number): Promise<number> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/readyz`);
    await res.text();
    return res.status;
  } catch {
    return 0;
  }
}

const spawned: { pid: () => number | undefined }[] = [];
const dataDirs: string[] = [];

function killLeftovers(): void {
  for (const p of spawned) {
    const pid = p.pid();
    if (pid && processAlive(pid)) {
      for (const d of descendants(pid))
        try {
          process.kill(d, 'SIGKILL');
        } catch {
          /* gone */
        }
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  }
  for (const dir of dataDirs) {
    const pm = readPostmasterPid(path.join(dir, 'pg'));
    if (pm && processAlive(pm.pid))
      try {
        process.kill(pm.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
  }
}

afterAll(() => {
  killLeftovers();
  for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-lifecycle-'));
  dataDirs.push(dir);
  return dir;
}

describe('a running hub keeps its embedded PostgreSQL (issue 14 item 11)', () => {
  let serve: HubProcess;
  let dataDir: string;
  let env: Record<string, string | undefined>;
  let port: number;

  beforeAll(async () => {
    dataDir = tempDataDir();
    port = await findFreePort(47000 + Math.floor(Math.random() * 2000));
    env = {
      DATABASE_URL: undefined,
      HUB_DATA_DIR: dataDir,
      HUB_EMBEDDED_PORT: String(await findFreePort(49500 + Math.floor(Math.random() * 2000))),
      HUB_SOURCES_URL: 'http://127.0.0.1:9',
      PORT: String(port),
    };
    serve = spawnHub(['serve', '--port', String(port)], env);
    spawned.push({ pid: () => serve.child.pid });
    await serve.waitForServing(90_000);
  }, 120_000);

  afterAll(async () => {
    if (serve.child.exitCode === null) {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
  });

  it('CLI commands beside it use the live cluster and leave it running', async () => {
    const postmaster = readPostmasterPid(path.join(dataDir, 'pg'))!;
    expect(processAlive(postmaster.pid)).toBe(true);
    for (const args of [
      ['connectors', 'list'],
      ['keys', 'list'],
    ]) {
      const cli = spawnHub(args, env);
      expect(await cli.exited).toBe(0);
      expect(cli.output()).not.toMatch(/stopping a postmaster/);
    }
    expect(processAlive(postmaster.pid)).toBe(true);
    expect(readPostmasterPid(path.join(dataDir, 'pg'))!.pid).toBe(postmaster.pid);
    expect(await readyStatus(port)).toBe(200);
  }, 60_000);

  it('a second hub serve or hub start on its port says the hub is already running and exits non-zero', async () => {
    const postmaster = readPostmasterPid(path.join(dataDir, 'pg'))!;
    for (const args of [['serve', '--port', String(port)], ['start']]) {
      const second = spawnHub(args, env);
      const code = await second.exited;
      expect(code).not.toBe(0);
      expect(second.output()).toContain(`the hub is already running on port ${port}`);
      expect(second.output()).not.toMatch(/\n\s+at /);
    }
    expect(processAlive(postmaster.pid)).toBe(true);
    expect(await readyStatus(port)).toBe(200);
  }, 60_000);

  it('starts its embedded server again when it dies', async () => {
    const killed = readPostmasterPid(path.join(dataDir, 'pg'))!;
    process.kill(killed.pid, 'SIGKILL');
    await until(
      () => {
        const now = readPostmasterPid(path.join(dataDir, 'pg'));
        return !!now && now.pid !== killed.pid && processAlive(now.pid);
      },
      60_000,
      'a new postmaster',
      200,
    );
    await until(async () => (await readyStatus(port)) === 200, 60_000, 'the hub to be ready again', 200);
    expect(readPostmasterPid(path.join(dataDir, 'pg'))!.port).toBe(killed.port);
    expect(serve.output()).toMatch(/embedded PostgreSQL exited unexpectedly/);
    expect(serve.child.exitCode).toBeNull();
  }, 90_000);
});

describe('signalling npm start stops everything (issue 14 item 12)', () => {
  const root = path.join(__dirname, '..');

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} to the npm process stops the hub, its simulator and its PostgreSQL`, async () => {
      const dataDir = tempDataDir();
      const port = await findFreePort(47000 + Math.floor(Math.random() * 2000));
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        DATABASE_URL: undefined,
        HUB_SOURCES_URL: undefined,
        HUB_DATA_DIR: dataDir,
        HUB_EMBEDDED_PORT: String(await findFreePort(49500 + Math.floor(Math.random() * 2000))),
        PORT: String(port),
        HUB_DEMO_ENTERPRISES: '30',
        HUB_HJ212_PORT: '0',
      };
      // `npm start` as a user types it; --ignore-scripts skips only the build step (the suite built dist/ already).
      const npm = spawn('npm', ['start', '--ignore-scripts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
      spawned.push({ pid: () => npm.pid });
      let out = '';
      npm.stdout!.on('data', (d) => (out += d));
      npm.stderr!.on('data', (d) => (out += d));
      const exited = new Promise<void>((resolve) => npm.on('exit', () => resolve()));
      await until(() => /hub ready in/.test(out) || npm.exitCode !== null, 120_000, 'hub ready', 200);
      expect(out).toMatch(/hub ready in/);
      const below = descendants(npm.pid!);
      const postmaster = readPostmasterPid(path.join(dataDir, 'pg'))!;
      expect(below).toContain(postmaster.pid);
      expect(await readyStatus(port)).toBe(200);

      process.kill(npm.pid!, signal);
      await Promise.race([exited, until(() => npm.exitCode !== null || npm.signalCode !== null, 60_000, `npm to exit after ${signal}`, 200)]);

      const cmd = (pid: number) => {
        try {
          return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
        } catch {
          return '?';
        }
      };
      expect(below.filter((pid) => processAlive(pid)).map((pid) => `${pid} ${cmd(pid)}`)).toEqual([]);
      expect(processAlive(postmaster.pid)).toBe(false);
      expect(await readyStatus(port)).toBe(0);
    }, 180_000);
  }
});
