import { Pool, PoolClient } from 'pg';
import { FiringStatus } from './scheduled-task.types';

/** Advisory-lock namespace of scheduled tasks (the second key is `hashtext(task id)`). */
const TASK_LOCK = 'scheduled-task';

/** How a firing whose process is gone is marked. */
const ABANDONED = `status = 'FAILED', finished_at = now(), detail = 'abandoned: the process running it (' || f.holder || ') stopped or lost its database session'`;

/** A slot this process won: finish it to record the outcome and release the task. */
export interface TaskClaim {
  finish(status: FiringStatus, detail: string | null): Promise<void>;
}

/**
 * The database side of scheduling: `scheduled_task` remembers each task's last
 * fired slot and holder, `scheduled_task_firing` has one row per fired slot.
 *
 * A firing holds a session-level advisory lock on its task for as long as it
 * runs (exclusive with `preventOverlap`, shared otherwise), on a connection of
 * its own. The lock belongs to the database session, not to a deadline: when
 * the process dies (`kill -9`, a crash, a lost network) its session ends and
 * the task is free again at once, and {@link sweepAbandoned} marks the firing
 * it left behind. Claiming a slot is one transaction, so of several processes
 * firing the same slot exactly one wins.
 */
export class TaskLeaseRepository {
  constructor(private readonly pool: Pool) {}

  /**
   * Claims `slot` of a task for `holder`, or returns null when this process
   * must not run it: the slot was fired already, or (with `preventOverlap`) a
   * live process still runs the task.
   */
  async claim(taskId: string, slot: Date, holder: string, preventOverlap: boolean): Promise<TaskClaim | null> {
    const client = await this.pool.connect();
    let locked = false;
    try {
      const lock = await client.query<{ ok: boolean }>(
        preventOverlap
          ? `select pg_try_advisory_lock(hashtext('${TASK_LOCK}'), hashtext($1)) as ok`
          : `select pg_try_advisory_lock_shared(hashtext('${TASK_LOCK}'), hashtext($1)) as ok`,
        [taskId],
      );
      locked = lock.rows[0].ok;
      if (!locked) {
        client.release();
        return null;
      }
      await client.query('begin');
      await client.query(`insert into scheduled_task (task_id) values ($1) on conflict (task_id) do nothing`, [taskId]);
      const res = await client.query(
        `update scheduled_task set holder = $3, lease_until = null, last_slot = $2, updated_at = now()
          where task_id = $1 and (last_slot is null or last_slot < $2)
          returning task_id`,
        [taskId, slot, holder],
      );
      // Holding the task exclusively, a firing still RUNNING belongs to a process that is gone.
      if (res.rowCount === 1 && preventOverlap)
        await client.query(`update scheduled_task_firing f set ${ABANDONED} where f.task_id = $1 and f.status = 'RUNNING'`, [taskId]);
      const fired =
        res.rowCount === 1 &&
        (
          await client.query(
            `insert into scheduled_task_firing (task_id, slot, holder) values ($1, $2, $3) on conflict (task_id, slot) do nothing returning task_id`,
            [taskId, slot, holder],
          )
        ).rowCount === 1;
      await client.query(fired ? 'commit' : 'rollback');
      if (!fired) {
        await this.unlock(client, taskId, preventOverlap);
        return null;
      }
    } catch (e) {
      await client.query('rollback').catch(() => undefined);
      if (locked) await this.unlock(client, taskId, preventOverlap);
      else client.release();
      throw e;
    }
    return {
      finish: async (status, detail) => {
        try {
          await this.pool.query(
            `update scheduled_task_firing set finished_at = now(), status = $4, detail = $5 where task_id = $1 and slot = $2 and holder = $3`,
            [taskId, slot, holder, status, detail],
          );
        } finally {
          await this.unlock(client, taskId, preventOverlap);
        }
      },
    };
  }

  /** Releases the task lock and the connection (a broken connection is discarded: its session, and lock, are gone). */
  private async unlock(client: PoolClient, taskId: string, preventOverlap: boolean): Promise<void> {
    try {
      await client.query(
        preventOverlap
          ? `select pg_advisory_unlock(hashtext('${TASK_LOCK}'), hashtext($1))`
          : `select pg_advisory_unlock_shared(hashtext('${TASK_LOCK}'), hashtext($1))`,
        [taskId],
      );
      client.release();
    } catch (e) {
      client.release(e as Error);
    }
  }

  /**
   * Marks firings left RUNNING by a process that is gone: no database session
   * holds their task's lock any more. Returns the firings marked.
   */
  async sweepAbandoned(): Promise<{ taskId: string; slot: Date; holder: string }[]> {
    const res = await this.pool.query(
      `update scheduled_task_firing f set ${ABANDONED}
        where f.status = 'RUNNING'
          and not exists (select 1 from pg_locks l
                           where l.locktype = 'advisory' and l.granted and l.objsubid = 2
                             and l.database = (select oid from pg_database where datname = current_database())
                             and l.classid = hashtext('${TASK_LOCK}')::oid and l.objid = hashtext(f.task_id)::oid)
        returning f.task_id as "taskId", f.slot, f.holder`,
    );
    return res.rows;
  }

  /** The latest firings (newest first), for the steward view and tests. */
  async recentFirings(
    taskId: string | null,
    limit: number,
  ): Promise<{ taskId: string; slot: Date; holder: string; status: string; startedAt: Date; finishedAt: Date | null; detail: string | null }[]> {
    const res = await this.pool.query(
      `select task_id as "taskId", slot, holder, status, started_at as "startedAt", finished_at as "finishedAt", detail
         from scheduled_task_firing where $1::text is null or task_id = $1 order by slot desc limit $2`,
      [taskId, limit],
    );
    return res.rows;
  }
}
