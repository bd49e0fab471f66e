import { ClientError } from '../../domain/client-error';

/** The types with a global id (the `Node` interface). */
export const NODE_TYPES = ['Enterprise', 'Warning', 'Connector', 'ConnectorRun', 'Tag'] as const;
export type NodeType = (typeof NODE_TYPES)[number];

/**
 * The global, opaque id (全局标识) of an object: its type and its key inside
 * that type (credit code, warning id, connector id, run id, tag code), base64url.
 * `node(id)` reads it back; clients treat it as an opaque string.
 */
export function toGlobalId(type: NodeType, key: string | number): string {
  return Buffer.from(`${type}:${key}`, 'utf8').toString('base64url');
}

/** The type and key of a global id, or null when it is not one this API issued. */
export function fromGlobalId(id: string): { type: NodeType; key: string } | null {
  if (typeof id !== 'string' || id.length > 400 || !/^[A-Za-z0-9_-]+$/.test(id)) return null;
  const text = Buffer.from(id, 'base64url').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0) return null;
  const type = text.slice(0, colon) as NodeType;
  const key = text.slice(colon + 1);
  if (!(NODE_TYPES as readonly string[]).includes(type) || !key || key.includes('\u0000') || toGlobalId(type, key) !== id) return null;
  return { type, key };
}

/**
 * The key of an id argument that takes either the object's global id or its
 * own key (the API took own keys before global ids existed): a global id of
 * another type is the client's mistake.
 */
export function keyOf(id: string, type: NodeType, argument = 'id'): string {
  const g = fromGlobalId(id);
  if (!g) return id;
  if (g.type !== type) throw new ClientError(`${argument} is the global id of a ${g.type}, not of a ${type}`, { argument });
  return g.key;
}
