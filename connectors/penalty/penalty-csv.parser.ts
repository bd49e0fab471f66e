/** Thrown when a CSV text cannot be split into records (e.g. an unterminated quote). */
export class CsvSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CsvSyntaxError';
  }
}

/**
 * Splits CSV text into records of fields per RFC 4180: fields separated by
 * commas, records by CRLF (a bare LF is accepted too), a field in double
 * quotes may hold commas, line breaks and doubled quotes (`""` → `"`). A
 * leading UTF-8 byte-order mark is dropped. A final line break does not make
 * an empty record.
 */
export function parseCsv(text: string): string[][] {
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: string[][] = [];
  let fields: string[] = [];
  let field = '';
  let i = 0;
  let atFieldStart = true;
  const n = s.length;
  const endRecord = () => {
    fields.push(field);
    records.push(fields);
    fields = [];
    field = '';
    atFieldStart = true;
  };
  while (i < n) {
    const c = s[i];
    if (atFieldStart && c === '"') {
      // Quoted field: runs to the closing quote not followed by another quote.
      i++;
      let closed = false;
      let start = i;
      while (i < n) {
        const q = s.indexOf('"', i);
        if (q < 0) break;
        field += s.slice(start, q);
        if (s[q + 1] === '"') {
          field += '"';
          i = q + 2;
          start = i;
          continue;
        }
        i = q + 1;
        closed = true;
        break;
      }
      if (!closed) throw new CsvSyntaxError(`unterminated quoted field in record ${records.length + 1}`);
      atFieldStart = false;
      const next = s[i];
      if (next !== undefined && next !== ',' && next !== '\r' && next !== '\n') {
        throw new CsvSyntaxError(`unexpected character ${JSON.stringify(next)} after a quoted field in record ${records.length + 1}`);
      }
      continue;
    }
    if (c === ',') {
      fields.push(field);
      field = '';
      atFieldStart = true;
      i++;
    } else if (c === '\r' || c === '\n') {
      endRecord();
      i += c === '\r' && s[i + 1] === '\n' ? 2 : 1;
    } else {
      // Unquoted run up to the next separator.
      let j = i;
      while (j < n && s[j] !== ',' && s[j] !== '\r' && s[j] !== '\n') j++;
      field += s.slice(i, j);
      atFieldStart = false;
      i = j;
    }
  }
  if (!atFieldStart || fields.length || field !== '') endRecord();
  return records;
}

/**
 * Parses a CSV export with a header row into objects (header → cell). A row
 * whose field count differs from the header's keeps what it has (missing cells
 * absent, extra cells under `_extra`) so it can be quarantined whole.
 */
export function parseCsvObjects(text: string): { headers: string[]; rows: Record<string, string>[] } {
  const records = parseCsv(text);
  if (!records.length) return { headers: [], rows: [] };
  const headers = records[0].map((h) => h.trim());
  const rows = records.slice(1)
    .filter((r) => !(r.length === 1 && r[0] === ''))
    .map((r) => {
      const o: Record<string, string> = {};
      headers.forEach((h, k) => {
        if (k < r.length) o[h] = r[k];
      });
      if (r.length > headers.length) o._extra = r.slice(headers.length).join(',');
      return o;
    });
  return { headers, rows };
}
