/**
 * A piece of scheduled work (Vendure-style): an id, a cron schedule, a
 * timeout, and whether a firing may start while the previous one still runs.
 * Every hub process registers the same tasks and queues each slot; the job
 * queue runs the slot once, on one of them.
 */
export interface ScheduledTaskDefinition {
  /** Stable id, e.g. `connector:penalty` or `daily`. */
  id: string;
  /** Cron expression (node-cron: 5 fields, or 6 with seconds), China time. */
  schedule: string;
  /** Longest a firing may run; it is then asked to stop (its signal aborts) and ends TIMED_OUT. */
  timeoutMs: number;
  /** Skip a firing (SKIPPED, naming the running one) while the previous one, in any process, still runs. */
  preventOverlap: boolean;
  /**
   * With `preventOverlap`: the run itself holds the session lock that keeps it
   * alone and throws `ConnectorBusyError` when it is taken (a connector run's
   * `connector-run` lock, which manual runs take too), so the scheduler takes
   * no lock of its own (one connection fewer per run).
   */
  runHoldsLock?: boolean;
  /** The work; resolves to a one-line summary, rejects on failure. */
  run(signal: AbortSignal): Promise<string | void>;
}

/** How a firing ended. */
export type FiringStatus = 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'SKIPPED';
