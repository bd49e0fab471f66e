import { withCheckChar } from '../src/domain/credit-code';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/**
 * The entity-resolution store (issue 20): links record the key and probability,
 * a record waits in the review queue once, and a steward's decision is kept per
 * source identity. The constraints are what keeps a link or a decision honest.
 */
let tdb: TestDatabase;
const q = (sql: string, values: unknown[] = []) => tdb.db.pool.query(sql, values).then((r) => r.rows);
const A = withCheckChar('91370102MA3C4R5X2');

beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(async () => tdb?.drop());

describe('entity-resolution schema', () => {
  it('links a record once, naming the key, and refuses an unknown key or a steward link without a steward', async () => {
    await q(
      `insert into entity_link (connector_id, source_id, identity_key, credit_code, key, probability) values ('enforcement', 'ENF-1', 'org:MA3C4R5X2', $1, 'ORG_CODE', 1)`,
      [A],
    );
    await expect(
      q(
        `insert into entity_link (connector_id, source_id, identity_key, credit_code, key, probability) values ('enforcement', 'ENF-1', 'x', $1, 'PERMIT_NO', 1)`,
        [A],
      ),
    ).rejects.toThrow(/duplicate key/);
    await expect(
      q(
        `insert into entity_link (connector_id, source_id, identity_key, credit_code, key, probability) values ('enforcement', 'ENF-2', 'x', $1, 'GUESS', 0.5)`,
        [A],
      ),
    ).rejects.toThrow(/check constraint/);
    await expect(
      q(
        `insert into entity_link (connector_id, source_id, identity_key, credit_code, key, probability) values ('enforcement', 'ENF-2', 'x', $1, 'STEWARD', 1)`,
        [A],
      ),
    ).rejects.toThrow(/check constraint/);
    await q(
      `insert into entity_link (connector_id, source_id, identity_key, credit_code, key, probability, decided_by) values ('enforcement', 'ENF-2', 'name:370102:恒泰化工', $1, 'STEWARD', 1, 'steward-1')`,
      [A],
    );
    expect(await q(`select source_id, key from entity_link where credit_code = $1 order by source_id`, [A])).toEqual([
      { source_id: 'ENF-1', key: 'ORG_CODE' },
      { source_id: 'ENF-2', key: 'STEWARD' },
    ]);
  });

  it('keeps one open queue entry per record, and a decided entry says when and for whom', async () => {
    const enqueue = () =>
      q(
        `insert into resolution_queue (connector_id, source_id, identity_key, division_code, payload, best_probability, candidates)
      values ('penalty', '鲁环罚〔2026〕1号', 'name:-:恒泰化工', '370102', '{}', 0.8, $1) returning id`,
        [JSON.stringify([{ creditCode: A, probability: 0.8 }])],
      );
    const [{ id }] = await enqueue();
    await expect(enqueue()).rejects.toThrow(/duplicate key/);
    await expect(q(`update resolution_queue set status = 'LINKED' where id = $1`, [id])).rejects.toThrow(/check constraint/);
    await q(`update resolution_queue set status = 'LINKED', credit_code = $2, decided_by = 'steward-1', decided_at = now() where id = $1`, [id, A]);
    await enqueue();
    expect(await q(`select status from resolution_queue order by id`)).toEqual([{ status: 'LINKED' }, { status: 'OPEN' }]);
    await expect(
      q(
        `insert into resolution_queue (connector_id, source_id, identity_key, division_code, payload, best_probability) values ('p', 's', 'k', '999999', '{}', 0.5)`,
      ),
    ).rejects.toThrow(/foreign key/);
  });

  it('keeps a decision per source identity: a link or rejected candidates, never neither', async () => {
    await q(`insert into resolution_decision (connector_id, identity_key, rejected_codes, decided_by) values ('penalty', 'name:-:恒泰化工', $1, 'steward-1')`, [
      [A],
    ]);
    await expect(q(`insert into resolution_decision (connector_id, identity_key, decided_by) values ('penalty', 'name:-:其他', 'steward-1')`)).rejects.toThrow(
      /check constraint/,
    );
    expect(await q(`select rejected_codes from resolution_decision`)).toEqual([{ rejected_codes: [A] }]);
  });
});
