import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { connectOwnDatabase } from '../src/db/database';
import { migrationsList } from '../migrations';

/**
 * Migrations that rewrite a table's rows name it in `vacuumAfter`, and
 * `migrate` vacuums those tables once they are applied: on a server whose
 * autovacuum is off (this one's is), index-only scans over a rewritten table
 * would otherwise read the heap for every row until someone vacuumed it.
 */
describe('migrate: vacuum after a migration that rewrites rows', () => {
  it('vacuums the tables the applied migrations name, and only those', async () => {
    const named = new Set(migrationsList.flatMap((m) => (m.class as { vacuumAfter?: readonly string[] }).vacuumAfter ?? []));
    expect([...named]).toContain('enterprise');
    const serverUrl = process.env.HUB_TEST_SERVER_URL!;
    const name = `hub_test_${process.env.HUB_TEST_PARENT_PID}_${randomBytes(5).toString('hex')}`;
    const admin = new Client({ connectionString: serverUrl });
    await admin.connect();
    try {
      await admin.query(`create database "${name}"`); // empty: every migration runs
    } finally {
      await admin.end();
    }
    const own = await connectOwnDatabase(serverUrl, name, { dropErrors: 'ignore' });
    try {
      const rows = (
        await own.db.pool.query<{ relname: string; vacuumed: boolean }>(
          `select relname, last_vacuum is not null as vacuumed from pg_stat_user_tables where relname = any($1::text[])`,
          [['enterprise', 'permit', 'penalty']],
        )
      ).rows;
      expect(Object.fromEntries(rows.map((r) => [r.relname, r.vacuumed]))).toEqual({ enterprise: true, permit: false, penalty: false });
    } finally {
      await own.drop();
    }
  }, 120000);
});
