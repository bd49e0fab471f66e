import { Pool } from 'pg';
import { FiringStatus } from './scheduled-task.types';

/**
 * The database side of scheduling: `scheduled_task` holds one lease per task
 * (holder, lease-until, last fired slot) and `scheduled_task_firing` one row
 * per fired slot. Claiming a slot is one transaction, so of several processes
 * firing the same slot exactly one wins.
 */
export class TaskLeaseRepository {
  constructor(private readonly pool: Pool) {}

  /**
   * Claims `slot` of a task for `holder`. Returns true when this process must
   * run it: the slot was not fired yet and (with `preventOverlap`) no other
   * holder's lease is still running.
   */
  async claim(taskId: string, slot: Date, holder: string, leaseMs: number, preventOverlap: boolean): Promise<boolean> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      await client.query(`insert into scheduled_task (task_id) values ($1) on conflict (task_id) do nothing`, [taskId]);
      const res = await client.query(
        `update scheduled_task set holder = $3, lease_until = now() + make_interval(secs => $4::float8 / 1000), last_slot = $2, updated_at = now()
          where task_id = $1 and (last_slot is null or last_slot < $2)
            and (not $5::boolean or lease_until is null or lease_until < now() or holder = $3)
          returning task_id`,
        [taskId, slot, holder, leaseMs, preventOverlap],
      );
      if (res.rowCount !== 1) {
        await client.query('rollback');
        return false;
      }
      const fired = await client.query(
        `insert into scheduled_task_firing (task_id, slot, holder) values ($1, $2, $3) on conflict (task_id, slot) do nothing returning task_id`,
        [taskId, slot, holder],
      );
      if (fired.rowCount !== 1) {
        await client.query('rollback');
        return false;
      }
      await client.query('commit');
      return true;
    } catch (e) {
      await client.query('rollback').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }

  /** Records how a firing ended and releases the lease when this holder still has it. */
  async finish(taskId: string, slot: Date, holder: string, status: FiringStatus, detail: string | null): Promise<void> {
    await this.pool.query(
      `update scheduled_task_firing set finished_at = now(), status = $4, detail = $5 where task_id = $1 and slot = $2 and holder = $3`,
      [taskId, slot, holder, status, detail],
    );
    await this.pool.query(
      `update scheduled_task set lease_until = null, updated_at = now() where task_id = $1 and holder = $2 and last_slot = $3`,
      [taskId, holder, slot],
    );
  }

  /** The latest firings (newest first), for the steward view and tests. */
  async recentFirings(taskId: string | null, limit: number): Promise<{ taskId: string; slot: Date; holder: string; status: string; startedAt: Date; finishedAt: Date | null; detail: string | null }[]> {
    const res = await this.pool.query(
      `select task_id as "taskId", slot, holder, status, started_at as "startedAt", finished_at as "finishedAt", detail
         from scheduled_task_firing where $1::text is null or task_id = $1 order by slot desc limit $2`,
      [taskId, limit],
    );
    return res.rows;
  }
}
