import { retryOnConflict } from './page-pipeline';
import { readAhead } from './sync.runner';

describe('readAhead', () => {
  it('yields pages in order and asks for the next page while the current one is being handled', async () => {
    const log: string[] = [];
    async function* source() {
      for (let i = 1; i <= 3; i++) {
        log.push(`fetch ${i}`);
        yield i;
      }
    }
    const seen: number[] = [];
    for await (const p of readAhead(source())) {
      log.push(`handle ${p}`);
      await new Promise((r) => setTimeout(r, 5));
      log.push(`done ${p}`);
      seen.push(p);
    }
    expect(seen).toEqual([1, 2, 3]);
    // Page 2 was fetched while page 1 was still being handled, and so on.
    expect(log.indexOf('fetch 2')).toBeLessThan(log.indexOf('done 1'));
    expect(log.indexOf('fetch 3')).toBeLessThan(log.indexOf('done 2'));
  });

  it('passes a failure of the source on after the pages before it', async () => {
    async function* source() {
      yield 1;
      throw new Error('source down');
    }
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const p of readAhead(source())) seen.push(p);
      })(),
    ).rejects.toThrow('source down');
    expect(seen).toEqual([1]);
  });

  it('stops the source when the consumer stops early', async () => {
    let closed = false;
    async function* source() {
      try {
        for (let i = 1; ; i++) yield i;
      } finally {
        closed = true;
      }
    }
    for await (const p of readAhead(source())) if (p === 2) break;
    expect(closed).toBe(true);
  });
});

describe('retryOnConflict', () => {
  const pgError = (code: string) => Object.assign(new Error(`pg ${code}`), { code });

  it('runs a transaction again after a deadlock or serialization failure', async () => {
    const seen: number[] = [];
    let calls = 0;
    const result = await retryOnConflict(
      async () => {
        calls++;
        if (calls === 1) throw pgError('40P01');
        if (calls === 2) throw pgError('40001');
        return 'written';
      },
      (_e, attempt) => seen.push(attempt),
    );
    expect([result, calls, seen]).toEqual(['written', 3, [1, 2]]);
  });

  it('gives up after four attempts, and never retries other errors', async () => {
    /** How many times retryOnConflict calls a write that always fails with `code` before it rethrows that error. */
    const attemptsAlwaysFailingWith = async (code: string) => {
      let calls = 0;
      await expect(
        retryOnConflict(async () => {
          calls++;
          throw pgError(code);
        }),
      ).rejects.toThrow(`pg ${code}`);
      return calls;
    };
    expect(await attemptsAlwaysFailingWith('40P01')).toBe(4);
    expect(await attemptsAlwaysFailingWith('23505')).toBe(1);
  });
});
