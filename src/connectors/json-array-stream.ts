/** Thrown when a streamed body is not a JSON array of values. */
export class JsonArrayStreamError extends Error {
  /** True when the body was cut short (worth asking again), false when it is simply not an array. */
  constructor(
    message: string,
    readonly truncated = false,
  ) {
    super(message);
  }
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);
const OPEN = new Set([0x5b, 0x7b]); // [ {
const CLOSE = new Set([0x5d, 0x7d]); // ] }

/**
 * Parses a body that is one top-level JSON array, element by element, as
 * its bytes arrive: only the element being read is held, never the whole
 * answer. Structural characters are ASCII and never occur inside a UTF-8
 * multi-byte sequence, so the scan works on raw bytes.
 */
export async function* jsonArrayElements(chunks: AsyncIterable<Buffer | string>): AsyncIterable<unknown> {
  let carry = Buffer.alloc(0);
  let started = false; // the opening '[' was seen
  let ended = false; // the closing ']' was seen
  let depth = 0; // nesting inside the current element
  let inString = false;
  let escaped = false;
  let elementStart = -1; // offset in `buf` of the element being read
  for await (const chunk of chunks) {
    const buf = carry.length ? Buffer.concat([carry, Buffer.from(chunk)]) : Buffer.from(chunk);
    // Resume the scan where the previous chunk stopped: the carried start of an element was already scanned.
    let i = carry.length;
    const out: unknown[] = [];
    const emit = (end: number) => {
      const text = buf.toString('utf8', elementStart, end).trim();
      try {
        out.push(JSON.parse(text));
      } catch {
        throw new JsonArrayStreamError(`an element of ${text.length} characters is not valid JSON`);
      }
      elementStart = -1;
    };
    for (; i < buf.length; i++) {
      const c = buf[i];
      if (ended) {
        if (!WS.has(c)) throw new JsonArrayStreamError('unexpected content after the closing ] of the array');
        continue;
      }
      if (!started) {
        if (WS.has(c) || c === 0xef || c === 0xbb || c === 0xbf) continue; // whitespace or a UTF-8 BOM
        if (c !== 0x5b) throw new JsonArrayStreamError(`expected a JSON array, the body starts with '${String.fromCharCode(c)}'`);
        started = true;
        continue;
      }
      if (inString) {
        if (escaped) escaped = false;
        else if (c === 0x5c) escaped = true;
        else if (c === 0x22) inString = false;
        continue;
      }
      if (elementStart < 0) {
        if (WS.has(c) || c === 0x2c) continue; // , between elements
        if (c === 0x5d) {
          ended = true;
          continue;
        }
        elementStart = i;
      }
      if (c === 0x22) inString = true;
      else if (OPEN.has(c)) depth++;
      else if (CLOSE.has(c) && depth > 0) {
        depth--;
        if (depth === 0) emit(i + 1);
      } else if (depth === 0 && (c === 0x2c || c === 0x5d)) {
        // The end of a bare value (number, string, true, false, null).
        emit(i);
        if (c === 0x5d) ended = true;
      }
    }
    if (elementStart >= 0) {
      carry = buf.subarray(elementStart);
      elementStart = 0;
    } else {
      carry = Buffer.alloc(0);
    }
    yield* out;
  }
  if (!started) throw new JsonArrayStreamError('the body is empty, expected a JSON array');
  if (!ended) throw new JsonArrayStreamError('truncated JSON: the body ended before the closing ] of the array', true);
}
