import { JsonArrayStreamError, jsonArrayElements } from './json-array-stream';

async function collect(chunks: (string | Buffer)[]): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const v of jsonArrayElements(
    (async function* () {
      yield* chunks;
    })(),
  ))
    out.push(v);
  return out;
}

/** Every way of cutting `text` into two chunks, byte by byte. */
function splits(text: string): Buffer[][] {
  const b = Buffer.from(text);
  return Array.from({ length: b.length + 1 }, (_, i) => [b.subarray(0, i), b.subarray(i)]);
}

describe('jsonArrayElements', () => {
  const doc = '\ufeff [ {"uscc":"91370102MA3C4R5X2A","level":"黄标","n":[1,{"x":"]}\\"{"}]}, 42 ,"a,b]" ,true,null, {"empty":{}} ]\n';
  const expected = JSON.parse(doc.slice(1));

  it('yields every element, however the body is cut into chunks', async () => {
    for (const parts of splits(doc)) expect(await collect(parts)).toEqual(expected);
    expect(await collect([...Buffer.from(doc)].map((c) => Buffer.from([c])))).toEqual(expected);
  });

  it('reads an empty array', async () => {
    expect(await collect(['[', ' ]'])).toEqual([]);
  });

  it('names what is wrong with a body that is not one JSON array', async () => {
    await expect(collect(['{"items":[]}'])).rejects.toThrow(/expected a JSON array, the body starts with '\{'/);
    await expect(collect(['[{"a":1},'])).rejects.toThrow(/truncated JSON: the body ended before the closing \]/);
    await expect(collect([''])).rejects.toThrow(/empty/);
    await expect(collect(['[{"a":1}] x'])).rejects.toThrow(/after the closing \]/);
    await expect(collect(['[{"a":tru}]'])).rejects.toBeInstanceOf(JsonArrayStreamError);
  });
});
