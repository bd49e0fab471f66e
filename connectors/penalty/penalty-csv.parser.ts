import { CsvError, parse } from 'csv-parse';
import { Readable } from 'node:stream';
import { CELL_COUNT, EXTRA_CELLS } from './penalty.types';
import { NamedError } from '../../src/domain/named-error';

/** Thrown when a CSV body cannot be split into records (e.g. an unterminated quote). */
export class CsvSyntaxError extends NamedError {}

/** Thrown when a CSV body is not UTF-8 (the penalty export is UTF-8, with or without a BOM). */
export class CsvEncodingError extends NamedError {}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Checks that `body` is UTF-8 and throws a {@link CsvEncodingError} saying
 * "wrong encoding" otherwise, naming GBK when the bytes read as GBK (the
 * legacy encoding of Chinese exports).
 */
export function assertUtf8(body: Buffer, what = 'CSV body'): void {
  try {
    UTF8.decode(body);
  } catch {
    let gbk = false;
    try {
      new TextDecoder('gbk', { fatal: true }).decode(body);
      gbk = true;
    } catch {
      /* neither */
    }
    throw new CsvEncodingError(`wrong encoding: the ${what} is not UTF-8${gbk ? ' (it reads as GBK)' : ''}; ask the source for UTF-8`);
  }
}

/**
 * The records of a CSV body per RFC 4180, as they are parsed (csv-parse in
 * streaming mode): fields separated by commas, records by CRLF (a bare LF or
 * CR is accepted too), a quoted field may hold commas, line breaks and
 * doubled quotes. A leading UTF-8 byte-order mark is dropped; empty lines are
 * skipped; records may have any number of fields.
 * @throws CsvSyntaxError naming the record of an unterminated quote or of text after a closing quote
 */
export async function* csvRecords(body: Buffer | string | AsyncIterable<Buffer | string>): AsyncIterable<string[]> {
  const source = typeof body === 'string' || Buffer.isBuffer(body) ? Readable.from([body]) : Readable.from(body);
  const parser = source.pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: true, record_delimiter: ['\r\n', '\n', '\r'] }));
  try {
    for await (const record of parser as AsyncIterable<string[]>) yield record;
  } catch (e) {
    if (e instanceof CsvError) throw new CsvSyntaxError(e.message);
    throw e;
  } finally {
    source.destroy();
  }
}

/**
 * Parses a CSV export with a header row into objects, keeping only the
 * `known` columns (an added column of the source leaves the stored rows as
 * they were). A row whose cell count differs from the header's keeps the
 * known cells it has, its cell count under `_cells` and cells past the header
 * under `_extra`, so it can be quarantined whole and still name its case.
 * Returns the trimmed header and the rows.
 */
export async function parseCsvObjects(body: Buffer | string, known?: readonly string[]): Promise<{ headers: string[]; rows: Record<string, string>[] }> {
  let headers: string[] | undefined;
  let keep: [name: string, index: number][] = [];
  const rows: Record<string, string>[] = [];
  for await (const r of csvRecords(body)) {
    if (!headers) {
      headers = r.map((h) => h.trim());
      keep = headers.map((h, k) => [h, k] as [string, number]).filter(([h]) => !known || known.includes(h));
      continue;
    }
    const o: Record<string, string> = {};
    for (const [h, k] of keep) if (k < r.length) o[h] = r[k];
    if (r.length !== headers.length) o[CELL_COUNT] = String(r.length);
    if (r.length > headers.length) o[EXTRA_CELLS] = r.slice(headers.length).join(',');
    rows.push(o);
  }
  return { headers: headers ?? [], rows };
}
