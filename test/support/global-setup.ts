import 'reflect-metadata';
import path from 'node:path';
import { Client } from 'pg';
import fs from 'node:fs';
import { cleanupStalePostmaster, processAlive, startEmbeddedPostgres } from '../../src/db/embedded-postgres';

import { connectDatabase, databaseUrlFor } from '../../src/db/database';

/**
 * Once per test run: find the PostgreSQL to test against (DATABASE_URL, or an
 * embedded server in .test-data/), and build a migrated template database
 * each test file clones its own database from.
 */
export default async function globalSetup(): Promise<void> {
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    // A cluster per run, so runs side by side never touch each other's server.
    const root = path.join(__dirname, '..', '..', '.test-data');
    for (const dir of fs.existsSync(root) ? fs.readdirSync(root) : []) {
      const pid = Number(dir.replace('run-', ''));
      if (!processAlive(pid)) {
        await cleanupStalePostmaster(path.join(root, dir, 'pg'), () => undefined);
        fs.rmSync(path.join(root, dir), { recursive: true, force: true });
      }
    }
    const dataDir = path.join(root, `run-${process.pid}`);
    const embedded = await startEmbeddedPostgres({ dataDir, port: 55432, database: 'postgres' });
    (globalThis as Record<string, unknown>).__hubEmbedded = embedded;
    process.env.HUB_TEST_EMBEDDED_DIR = dataDir;
    serverUrl = embedded.url;
  }
  const template = `hub_test_${process.pid}_template`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    // Databases left by killed runs (their pid is gone) would otherwise pile up.
    const stale = await admin.query<{ datname: string }>(`select datname from pg_database where datname like 'hub\\_test\\_%'`);
    for (const r of stale.rows) {
      const pid = Number(r.datname.split('_')[2]);
      if (!processAlive(pid)) await admin.query(`drop database if exists "${r.datname}" with (force)`).catch(() => undefined);
    }
    await admin.query(`create database "${template}"`);
  } finally {
    await admin.end();
  }
  const templateUrl = databaseUrlFor(serverUrl, template);
  const db = await connectDatabase(templateUrl);
  await db.close();
  // MikroORM keeps entity metadata on globalThis; when jest runs tests in this
  // same process, objects from this realm would break discovery there.
  for (const key of Object.keys(globalThis)) if (key.startsWith('mikro-orm-')) delete (globalThis as Record<string, unknown>)[key];
  process.env.HUB_TEST_SERVER_URL = serverUrl;
  process.env.HUB_TEST_TEMPLATE = template;
  process.env.HUB_TEST_PARENT_PID = String(process.pid);
}
