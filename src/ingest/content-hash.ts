import { createHash } from 'node:crypto';

/** A stable hash of a source payload, used to skip records that did not change. */
export function contentHash(payload: unknown): string {
  return createHash('sha1').update(JSON.stringify(payload) ?? 'undefined').digest('hex');
}
