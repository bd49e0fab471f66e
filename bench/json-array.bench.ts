/**
 * Parse time of the credit system's bare JSON array (one element per
 * enterprise, 260,000 by default) by the streaming parser the connectors use
 * (`jsonArrayElements`), fed in 64 KiB chunks as a socket would deliver them,
 * against `JSON.parse` of the whole body for scale. The body is the
 * generator's credit listing serialised as the simulator serves it. Prints
 * the median of --runs; asserts nothing.
 *
 *   npm run build && node dist/bench/json-array.bench.js [--enterprises N] [--runs R]
 */
import { parseArgs } from 'node:util';
import { generateProvince } from '../simulator/province.generator';
import { jsonArrayElements } from '../src/connectors/json-array-stream';
import { runBench } from './support/bench-env';

async function* chunks(body: Buffer, size: number): AsyncIterable<Buffer> {
  for (let i = 0; i < body.length; i += size) yield body.subarray(i, i + size);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main() {
  const { values } = parseArgs({ options: { enterprises: { type: 'string', default: '260000' }, runs: { type: 'string', default: '5' } } });
  const n = Number(values.enterprises);
  const body = Buffer.from(JSON.stringify(generateProvince({ enterprises: n, seed: 1, today: '2026-04-20', monitoringDays: 1 }).credit));
  console.log(`credit array: ${n} elements, ${(body.length / 1e6).toFixed(1)} MB, 64 KiB chunks`);
  const stream: number[] = [];
  const whole: number[] = [];
  for (let r = 0; r < Number(values.runs); r++) {
    let t0 = process.hrtime.bigint();
    let count = 0;
    for await (const _ of jsonArrayElements(chunks(body, 64 * 1024))) count++;
    stream.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (count !== n) throw new Error(`parsed ${count} elements, expected ${n}`);
    t0 = process.hrtime.bigint();
    JSON.parse(body.toString('utf8'));
    whole.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  console.log(`jsonArrayElements (streaming): median ${median(stream).toFixed(0)} ms of ${stream.length} runs (${stream.map((x) => x.toFixed(0)).join(', ')})`);
  console.log(`JSON.parse of the whole body:  median ${median(whole).toFixed(0)} ms`);
}

runBench(main);
