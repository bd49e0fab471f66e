import { createHash } from 'node:crypto';

/** A stable hash of a source payload, used to skip records that did not change. */
export function contentHash(payload: unknown): string {
  return contentHashOfJson(JSON.stringify(payload));
}

/** {@link contentHash} of a payload already serialised with `JSON.stringify` (undefined for an undefined payload). */
export function contentHashOfJson(json: string | undefined): string {
  return createHash('sha1')
    .update(json ?? 'undefined')
    .digest('hex');
}
