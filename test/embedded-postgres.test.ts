import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { databaseUrlFor } from '../src/db/database';
import { findFreePort } from '../src/db/embedded-postgres';
import { spawnHub } from './support/hub-process';

function postmasterPid(dataDir: string): number | null {
  const file = path.join(dataDir, 'pg', 'postmaster.pid');
  return fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8').split('\n')[0]) : null;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('embedded PostgreSQL (no DATABASE_URL)', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-embedded-'));
  const env = { DATABASE_URL: undefined, HUB_DATA_DIR: dataDir, HUB_SOURCES_URL: 'http://127.0.0.1:9' };
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('initialises a cluster, migrates, serves, and stops its server on SIGTERM', async () => {
    const port = await findFreePort(46000);
    const hub = spawnHub(['serve'], { ...env, PORT: String(port) });
    await hub.waitForServing();
    const pid = postmasterPid(dataDir)!;
    expect(alive(pid)).toBe(true);
    const res = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(await res.json()).toEqual({ status: 'ready' });
    hub.child.kill('SIGTERM');
    expect(await hub.exited).toBe(0);
    expect(alive(pid)).toBe(false);
  }, 90_000);

  it('recovers from a hub killed with SIGKILL that left its postmaster running', async () => {
    const port = await findFreePort(46100);
    const first = spawnHub(['serve'], { ...env, PORT: String(port) });
    await first.waitForServing();
    const stale = postmasterPid(dataDir)!;
    first.child.kill('SIGKILL');
    await first.exited;
    expect(alive(stale)).toBe(true);
    const second = spawnHub(['migrate'], env);
    expect(await second.exited).toBe(0);
    expect(second.output()).toMatch(/no pending migrations/);
    expect(alive(stale)).toBe(false);
    expect(postmasterPid(dataDir)).toBeNull();
  }, 90_000);

  it('refuses to start with an invalid environment and lists every problem', async () => {
    const hub = spawnHub(['migrate'], { ...env, PORT: 'x', DATABASE_URL: 'mysql://nope' });
    expect(await hub.exited).toBe(2);
    expect(hub.output()).toMatch(/DATABASE_URL must use postgres/);
    expect(hub.output()).toMatch(/PORT must be a port number/);
  });
});

describe('hub migrate on an empty database (DATABASE_URL)', () => {
  const serverUrl = process.env.HUB_TEST_SERVER_URL!;
  const name = `hub_test_${process.env.HUB_TEST_PARENT_PID}_empty_migrate`;
  const admin = async (sql: string) => {
    const c = new Client({ connectionString: serverUrl });
    await c.connect();
    try {
      return await c.query(sql);
    } finally {
      await c.end();
    }
  };
  beforeAll(() => admin(`create database "${name}"`));
  afterAll(() => admin(`drop database if exists "${name}" with (force)`));

  it('creates the whole store, then finds nothing pending', async () => {
    const env = { DATABASE_URL: databaseUrlFor(serverUrl, name), HUB_SOURCES_URL: 'http://127.0.0.1:9' };
    const first = spawnHub(['migrate'], env);
    expect(await first.exited).toBe(0);
    expect(first.output()).toMatch(/applied \d+ migration\(s\): .*initial-store/);
    const c = new Client({ connectionString: env.DATABASE_URL });
    await c.connect();
    const divisions = await c.query('select count(*)::int as n from division').finally(() => c.end());
    expect(divisions.rows[0].n).toBe(168);
    const second = spawnHub(['migrate'], env);
    expect(await second.exited).toBe(0);
    expect(second.output()).toMatch(/no pending migrations/);
  }, 90_000);
});
