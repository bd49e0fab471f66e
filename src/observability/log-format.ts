/**
 * Whether a command a person types (`hub start`, `hub sync`, …) logs JSON
 * objects: `LOG_FORMAT=json` or `LOG_FORMAT=text` decide; otherwise JSON when
 * stderr (where logs go) is not a terminal — log collectors read JSON, people
 * at a terminal read lines. Its messages for the person (summaries, keys, the
 * ready banner) go to stdout as text either way.
 */
export function wantsJsonLogs(env: NodeJS.ProcessEnv = process.env, stream: { isTTY?: boolean } = process.stderr): boolean {
  const format = env.LOG_FORMAT?.trim().toLowerCase();
  if (format === 'json') return true;
  if (format === 'text' || format === 'pretty') return false;
  return !stream.isTTY;
}

/**
 * Whether the long-running server (`hub serve`) logs JSON: always, unless
 * `LOG_FORMAT=text` asks for readable lines. A process that runs for days
 * under a supervisor logs for a collector, so every line it writes — readiness
 * (`msg: "hub serving GraphQL"` with `url` and `port`), requests, schedules,
 * the error it stops on — is one JSON object, on a terminal too.
 */
export function serverLogsJson(env: NodeJS.ProcessEnv = process.env): boolean {
  const format = env.LOG_FORMAT?.trim().toLowerCase();
  return !(format === 'text' || format === 'pretty');
}

/** The `msg` of the entry `hub serve` logs once it accepts GraphQL requests (with `url` and `port`). */
export const SERVING_MESSAGE = 'hub serving GraphQL';
