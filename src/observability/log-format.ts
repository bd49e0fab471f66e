/**
 * Whether the hub should log JSON objects: `LOG_FORMAT=json` or `LOG_FORMAT=text`
 * decide; otherwise JSON when stderr (where logs go) is not a terminal — log
 * collectors read JSON, people at a terminal read lines.
 */
export function wantsJsonLogs(env: NodeJS.ProcessEnv = process.env, stream: { isTTY?: boolean } = process.stderr): boolean {
  const format = env.LOG_FORMAT?.trim().toLowerCase();
  if (format === 'json') return true;
  if (format === 'text' || format === 'pretty') return false;
  return !stream.isTTY;
}
