/** Log levels in increasing severity. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** A line logger; lines go to stderr so command output on stdout stays clean. */
export interface Logger {
  (line: string): void;
  level: LogLevel;
  at(level: LogLevel, line: string, fields?: Record<string, unknown>): void;
}

/**
 * Creates a logger. With `json` each line is a JSON object (time, level, msg
 * and fields), as log collectors want; otherwise a readable line.
 */
export function createLogger(level: LogLevel = 'info', opts: { json?: boolean; sink?: (line: string) => void } = {}): Logger {
  const sink = opts.sink ?? ((l: string) => process.stderr.write(l + '\n'));
  const at = (lvl: LogLevel, msg: string, fields: Record<string, unknown> = {}) => {
    if (RANK[lvl] < RANK[level]) return;
    if (opts.json) sink(JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...fields }));
    else sink(`${new Date().toISOString()} ${lvl.padEnd(5)} ${msg}${Object.keys(fields).length ? ' ' + JSON.stringify(fields) : ''}`);
  };
  const logger = ((line: string) => at('info', line)) as Logger;
  logger.level = level;
  logger.at = at;
  return logger;
}
