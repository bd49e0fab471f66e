import 'reflect-metadata';
import path from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres';
import { connectDatabase } from '../../src/db/database';

/**
 * Once per test run: find the PostgreSQL to test against (DATABASE_URL, or an
 * embedded server in .test-data/), and build a migrated template database
 * each test file clones its own database from.
 */
export default async function globalSetup(): Promise<void> {
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const embedded = await startEmbeddedPostgres({ dataDir: path.join(__dirname, '..', '..', '.test-data'), port: 55432, database: 'postgres' });
    (globalThis as Record<string, unknown>).__hubEmbedded = embedded;
    serverUrl = embedded.url;
  }
  const template = `hub_test_template_${process.pid}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    // Leftovers of killed runs would otherwise pile up.
    const stale = await admin.query<{ datname: string }>(`select datname from pg_database where datname like 'hub_test_%'`);
    for (const r of stale.rows) await admin.query(`drop database if exists "${r.datname}" with (force)`).catch(() => undefined);
    await admin.query(`create database "${template}"`);
  } finally {
    await admin.end();
  }
  const templateUrl = withDatabase(serverUrl, template);
  const db = await connectDatabase(templateUrl);
  await db.close();
  // MikroORM keeps entity metadata on globalThis; when jest runs tests in this
  // same process, objects from this realm would break discovery there.
  for (const key of Object.keys(globalThis)) if (key.startsWith('mikro-orm-')) delete (globalThis as Record<string, unknown>)[key];
  process.env.HUB_TEST_SERVER_URL = serverUrl;
  process.env.HUB_TEST_TEMPLATE = template;
}

/** The same server URL with another database name. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
