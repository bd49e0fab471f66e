import { Writable } from 'node:stream';
import pino from 'pino';

/** Log levels in increasing severity. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * The hub's one logger (pino). Modules receive it as the narrow `log(line)`
 * function (an info line); those that log structured entries use `at`.
 * Entries go to stderr so command output on stdout stays clean.
 */
export interface Logger {
  (line: string): void;
  level: LogLevel;
  at(level: LogLevel, line: string, fields?: Record<string, unknown>): void;
}

/** A stream that turns pino's JSON entries into the readable line a person at a terminal reads. */
function readableLines(sink: (line: string) => void): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const text of chunk.toString('utf8').split('\n')) {
        if (!text) continue;
        const { time, level, msg, ...fields } = JSON.parse(text) as Record<string, unknown>;
        sink(`${String(time)} ${String(level).padEnd(5)} ${String(msg)}${Object.keys(fields).length ? ' ' + JSON.stringify(fields) : ''}`);
      }
      done();
    },
  });
}

/**
 * Creates the logger. With `json` each entry is one JSON object per line
 * (`time`, `level` as a word, `msg`, then the fields), as log collectors
 * want; otherwise the same entry as a readable line. Entries below `level`
 * are dropped. `sink` receives each line instead of stderr (for tests).
 */
export function createLogger(level: LogLevel = 'info', opts: { json?: boolean; sink?: (line: string) => void } = {}): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: null,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  const destination = !opts.json
    ? readableLines(opts.sink ?? ((l) => process.stderr.write(l + '\n')))
    : opts.sink
      ? readableJsonSink(opts.sink)
      : pino.destination({ fd: 2, sync: true });
  const p = pino(options, destination);
  const logger = ((line: string) => p.info(line)) as Logger;
  logger.level = level;
  logger.at = (lvl, msg, fields) => (fields && Object.keys(fields).length ? p[lvl](fields, msg) : p[lvl](msg));
  return logger;
}

function readableJsonSink(sink: (line: string) => void): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const text of chunk.toString('utf8').split('\n')) if (text) sink(text);
      done();
    },
  });
}
