/** Running totals of a connector run, as SyncRunner's `onPage` reports them. */
export interface PageTotals {
  fetched: number;
  loaded: number;
  quarantined: number;
  /** A date-read connector's history backfill: dates `done` of `total` from `from` to `to`. */
  backfill?: { from: string; to: string; done: number; total: number };
}

/** A writable stream as far as progress needs one. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(chunk: string): unknown;
}

/** Options of {@link createSyncProgress}. */
export interface SyncProgressOptions {
  /** Where progress goes (default stderr, so stdout keeps the summary). */
  stream?: ProgressStream;
  /** Expected records per connector (e.g. what its last full run fetched), for a bar with a percentage. */
  expected?: Record<string, number>;
  /** Least time between two plain lines of one connector, in ms (default 2000). */
  lineIntervalMs?: number;
  now?: () => number;
}

/** Progress display of a sync: feed it SyncRunner's `onPage` and call `finish` per connector. */
export interface SyncProgress {
  onPage(connectorId: string, totals: PageTotals): void;
  /** Ends a connector's display: its final line (connectors running side by side share the line in place until then). */
  finish(connectorId: string): void;
  /** Ends every open display line (call when the sync is over). */
  finishAll(): void;
}

const BAR_WIDTH = 24;

function formatRate(records: number, ms: number): string {
  return ms > 0 ? `${Math.round((records * 1000) / ms)}/s` : '';
}

/**
 * Shows the progress of long syncs: on a terminal a bar redrawn in place per
 * connector (a percentage when the expected size is known, a moving block
 * otherwise) with counts and rate; elsewhere (CI, logs, pipes) plain lines,
 * at most one per connector every couple of seconds, so logs stay readable.
 */
export function createSyncProgress(opts: SyncProgressOptions = {}): SyncProgress {
  const stream = opts.stream ?? process.stderr;
  const now = opts.now ?? Date.now;
  const interval = opts.lineIntervalMs ?? 2000;
  const state = new Map<string, { started: number; lastLine: number; totals: PageTotals; pages: number; drawn: boolean }>();
  const tty = !!stream.isTTY;

  const bar = (id: string, t: PageTotals, pages: number): string => {
    if (t.backfill && t.backfill.total > 0 && t.backfill.done < t.backfill.total) {
      // A backfill knows its size in dates: the bar shows the dates stored.
      const frac = Math.min(1, t.backfill.done / t.backfill.total);
      const filled = Math.round(frac * BAR_WIDTH);
      return `[${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}] ${String(Math.round(frac * 100)).padStart(3)}%`;
    }
    const expected = opts.expected?.[id];
    if (expected && expected > 0) {
      const frac = Math.min(1, t.fetched / expected);
      const filled = Math.round(frac * BAR_WIDTH);
      return `[${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}] ${String(Math.round(frac * 100)).padStart(3)}%`;
    }
    // Unknown size: a block moving one step per page.
    const pos = pages % (BAR_WIDTH - 3);
    return `[${'░'.repeat(pos)}███${'░'.repeat(BAR_WIDTH - 3 - pos)}]     `;
  };

  const history = (t: PageTotals): string => (t.backfill ? `  history ${t.backfill.done}/${t.backfill.total} dates (${t.backfill.from}…${t.backfill.to})` : '');
  const describe = (id: string, t: PageTotals, ms: number): string =>
    `${id.padEnd(12)} fetched ${t.fetched}  loaded ${t.loaded}  quarantined ${t.quarantined}${history(t)}  ${formatRate(t.fetched, ms)}  ${(ms / 1000).toFixed(1)} s`;

  const width = () => (stream.columns ?? 120) - 1;
  const put = (line: string) => stream.write(`\r${line.slice(0, width())}\x1b[K`);
  /** The line in place on a terminal: one connector in full, several side by side in brief. */
  const redraw = () => {
    const active = [...state.entries()];
    if (!active.length) return;
    const t = now();
    if (active.length === 1) {
      const [id, s] = active[0];
      put(`${bar(id, s.totals, s.pages)} ${describe(id, s.totals, t - s.started)}`);
    } else {
      put(
        active
          .map(([id, s]) => {
            const expected = opts.expected?.[id];
            const b = s.totals.backfill;
            const done =
              b && b.total > 0 && b.done < b.total
                ? `history ${b.done}/${b.total}`
                : expected
                  ? `${Math.min(100, Math.round((s.totals.fetched / expected) * 100))}%`
                  : `${s.totals.fetched}`;
            return `${id} ${done} ${formatRate(s.totals.fetched, t - s.started)}`;
          })
          .join(' · '),
      );
    }
  };

  return {
    onPage(connectorId, totals) {
      const t = now();
      let s = state.get(connectorId);
      if (!s) {
        s = { started: t, lastLine: 0, totals, pages: 0, drawn: false };
        state.set(connectorId, s);
      }
      s.pages += 1;
      s.totals = { ...totals };
      if (tty) {
        redraw();
        s.drawn = true;
      } else if (t - s.lastLine >= interval) {
        stream.write(`sync ${describe(connectorId, totals, t - s.started)}\n`);
        s.lastLine = t;
      }
    },
    finish(connectorId) {
      const s = state.get(connectorId);
      if (!s) return;
      state.delete(connectorId);
      if (tty && s.drawn) {
        // The finished connector's final line stays above the others' line.
        put(`${bar(connectorId, s.totals, s.pages)} ${describe(connectorId, s.totals, now() - s.started)}`);
        stream.write('\n');
        redraw();
      } else if (!tty) stream.write(`sync ${describe(connectorId, s.totals, now() - s.started)} done\n`);
    },
    finishAll() {
      for (const id of [...state.keys()]) this.finish(id);
    },
  };
}
