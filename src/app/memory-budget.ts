import v8 from 'node:v8';

/**
 * The node flag the hub starts with (bin/hub.js's first line, `npm start`,
 * `npm run hub`; the benchmarks start their hub processes with it): V8's young
 * generation may grow to 32 MB semi-spaces instead of 16. An API answer
 * allocates a few MB of short-lived objects (rows, parsed JSON, the result
 * tree, its JSON text); with the default the scavenger ran often and promoted
 * much of it. Under the seed search (issue 18, 8 clients, 1,500 requests) the
 * hub's process took 12.3–13.7 ms of CPU per request with the default, 9.9–10.8
 * with 32 MB and 8.9 with 64 MB; 32 MB costs at most 32 MB more memory (two
 * semi-spaces), 64 MB would cost 96. V8 reads it only when node starts, so it
 * cannot be set here.
 */
export const YOUNG_GENERATION_FLAG = '--max-semi-space-size=32';

/** How much V8 lets the heap grow after each full collection, in percent, unless HUB_HEAP_GROWING_PERCENT says otherwise. */
export const HEAP_GROWING_PERCENT = 40;

/**
 * Keeps the hub's memory close to what it really holds. A sync allocates
 * page-sized garbage without pause (parsed pages, serialised rows, query
 * buffers); with V8's default growth heuristics the heap swells to several
 * times the live data before a full collection. Growing it by 40 % per
 * collection keeps a sync's peak RSS near what 15 % did (the full-sync bench:
 * 3,000 enterprises 191–195 MB against 178–181, 20,000 enterprises 209 against
 * 202) for a fifth less of the hub's CPU (17.2–17.3 s against 20.7–23.0 at
 * 3,000; at 15 % the collector took 17 of the 43 busy seconds of a profiled
 * run). `HUB_HEAP_GROWING_PERCENT` sets another step
 * (0: V8's own heuristics). Called first thing by the CLI (and by the
 * benchmarks, which stand in for it).
 */
export function applyMemoryBudget(env: NodeJS.ProcessEnv = process.env): void {
  const raw = env.HUB_HEAP_GROWING_PERCENT;
  const percent = raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : HEAP_GROWING_PERCENT;
  if (percent > 0) v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
}
