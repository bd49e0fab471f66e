import { Pool } from 'pg';

/** The advisory-lock namespace a connector run holds for its whole length (second key: `hashtext(connector id)`). */
export const CONNECTOR_RUN_LOCK = 'connector-run';

/**
 * Marks connector runs left `RUNNING` by a process that is gone (killed, or
 * cut off from the database by an outage): no database session holds their
 * connector's run lock any more. The lock is bound to the session that runs
 * the connector, so this holds within seconds of the death, in any process.
 * Returns the runs marked.
 */
export async function markAbandonedRuns(pool: Pool): Promise<{ id: string; connectorId: string }[]> {
  const res = await pool.query<{ id: string; connectorId: string }>(
    `update connector_run r set status = 'FAILED', finished_at = now(),
            error = 'abandoned: the process running it stopped or lost its database session (killed, or a database outage)'
      where r.status = 'RUNNING'
        and not exists (select 1 from pg_locks l
                         where l.locktype = 'advisory' and l.granted and l.objsubid = 2
                           and l.database = (select oid from pg_database where datname = current_database())
                           and l.classid = hashtext('${CONNECTOR_RUN_LOCK}')::oid and l.objid = hashtext(r.connector_id)::oid)
      returning r.id::text as id, r.connector_id as "connectorId"`,
  );
  return res.rows;
}
