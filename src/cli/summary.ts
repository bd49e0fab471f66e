import { RunSummary } from '../ingest/sync.runner';

/** A table of run summaries for the terminal. */
export function formatRunSummaries(summaries: RunSummary[]): string {
  const head = ['connector', 'status', 'fetched', 'loaded', 'unchanged', 'quarantined', 'seconds'];
  const rows = summaries.map((s) => [s.connectorId, s.status, s.fetched, s.loaded, s.unchanged, s.quarantined, (s.durationMs / 1000).toFixed(1)].map(String));
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const errors = summaries.filter((s) => s.error && s.status === 'FAILED').map((s) => `  ${s.connectorId}: ${s.error}`);
  const skipped = summaries.filter((s) => s.status === 'SKIPPED').map((s) => `  ${s.connectorId}: ${s.error}`);
  return [
    line(head),
    ...rows.map(line),
    ...(errors.length ? ['errors:', ...errors] : []),
    ...(skipped.length ? ['skipped (already running elsewhere; that run goes on):', ...skipped] : []),
  ].join('\n');
}

/**
 * The exit status of `hub sync` (README, "Exit status"): 0 when every
 * connector ran and succeeded, 1 when one failed, 3 when none failed but one
 * or more were skipped because they were already running elsewhere.
 */
export function syncExitStatus(summaries: RunSummary[]): number {
  if (summaries.some((s) => s.status === 'FAILED')) return 1;
  return summaries.some((s) => s.status === 'SKIPPED') ? 3 : 0;
}
