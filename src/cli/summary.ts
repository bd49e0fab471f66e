import { RunSummary } from '../ingest/sync.runner';

/** A table of run summaries for the terminal. */
export function formatRunSummaries(summaries: RunSummary[]): string {
  const head = ['connector', 'status', 'fetched', 'loaded', 'unchanged', 'quarantined', 'seconds'];
  const rows = summaries.map((s) => [s.connectorId, s.status, s.fetched, s.loaded, s.unchanged, s.quarantined, (s.durationMs / 1000).toFixed(1)].map(String));
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const errors = summaries.filter((s) => s.error).map((s) => `  ${s.connectorId}: ${s.error}`);
  return [line(head), ...rows.map(line), ...(errors.length ? ['errors:', ...errors] : [])].join('\n');
}
