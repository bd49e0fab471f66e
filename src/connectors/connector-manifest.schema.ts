import cron from 'node-cron';
import { z } from 'zod';
import { ConnectorManifest } from './connector.types';
import { RECORD_KINDS, RecordKind } from './unified-record';
import { problemsOf } from '../domain/zod-problems';
import { NamedError } from '../domain/named-error';

/** A connector's manifest breaks the contract; every problem names its field. */
export class ConnectorManifestError extends NamedError {
  constructor(
    readonly connectorId: string,
    readonly problems: string[],
  ) {
    super(`connector '${connectorId}' has an invalid manifest: ${problems.join('; ')}`);
  }
}

const configField = z
  .object({
    name: z.string().min(1, 'is required'),
    type: z.enum(['string', 'url', 'integer', 'boolean']),
    description: z.string().min(6, 'must say in a few words what the field is'),
    default: z.union([z.string(), z.number(), z.boolean()]).optional(),
    secret: z.boolean().optional(),
  })
  .refine((f) => f.default === undefined || typeof f.default === (f.type === 'integer' ? 'number' : f.type === 'boolean' ? 'boolean' : 'string'), {
    error: (iss) => `default does not have type ${(iss.input as { type: string }).type}`,
  });

/**
 * The manifest every connector declares (see `ConnectorManifest`): a
 * kebab-case id, a title and owner stewards can read, a valid cron schedule
 * or none, the record kinds it produces, and its config fields (names unique,
 * `baseUrl` among them, defaults of the declared type).
 */
export const connectorManifestSchema = z.object({
  id: z.string().regex(/^[a-z][a-z0-9-]{1,62}$/, 'must be kebab-case: a lowercase letter, then 1–62 lowercase letters, digits or dashes'),
  kind: z.enum(['code', 'declarative']),
  title: z.string().min(4, 'must be at least 4 characters'),
  owner: z.string().min(4, 'must be at least 4 characters'),
  schedule: z
    .string()
    .refine((s) => cron.validate(s), 'is not a cron expression')
    .nullable(),
  produces: z.array(z.enum(RECORD_KINDS as [RecordKind, ...RecordKind[]])).min(1, 'must name at least one record kind'),
  config: z
    .array(configField)
    .refine((fs) => new Set(fs.map((f) => f.name)).size === fs.length, 'has a field name twice')
    .refine((fs) => fs.some((f) => f.name === 'baseUrl'), 'must declare baseUrl'),
  volume: z.enum(['high', 'medium', 'low']).optional(),
});

/** Checks a manifest against the contract; throws {@link ConnectorManifestError} listing every problem. */
export function checkManifest(manifest: unknown): ConnectorManifest {
  const r = connectorManifestSchema.safeParse(manifest);
  if (r.success) return manifest as ConnectorManifest;
  const id = (manifest as { id?: unknown } | null)?.id;
  throw new ConnectorManifestError(typeof id === 'string' ? id : '?', problemsOf(r.error));
}
