import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { Database, connectOwnDatabase } from '../../src/db/database';

/** A database of its own for one test file, cloned from the migrated template. */
export interface TestDatabase {
  url: string;
  db: Database;
  /** Closes connections and drops the database. */
  drop(): Promise<void>;
}

/** Creates a fresh, migrated database on the test server (see global-setup). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.HUB_TEST_SERVER_URL;
  const template = process.env.HUB_TEST_TEMPLATE;
  if (!serverUrl || !template) throw new Error('test database server not set up: run the tests through jest (globalSetup)');
  const name = `hub_test_${process.env.HUB_TEST_PARENT_PID}_${randomBytes(5).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`create database "${name}" template "${template}"`);
  } finally {
    await admin.end();
  }
  return connectOwnDatabase(serverUrl, name, { dropErrors: 'ignore' });
}

/**
 * A test database for the enclosing `describe` block: created before its tests, dropped after them. The tests
 * read it through the returned function (it exists once `beforeAll` has run).
 */
export function suiteDatabase(): () => TestDatabase {
  let tdb: TestDatabase | undefined;
  beforeAll(async () => {
    tdb = await createTestDatabase();
  });
  afterAll(async () => {
    await tdb?.drop();
  });
  return () => {
    if (!tdb) throw new Error('the suite database is created in beforeAll');
    return tdb;
  };
}
