import { createHash, randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { DivisionDirectory } from '../divisions/division-directory';
import { Caller, ROLES, Role } from './caller.model';
import { ClientError } from '../domain/client-error';

/** A stored API key as listed to operators (never the key itself). */
export interface ApiKeyInfo {
  id: string;
  name: string;
  prefix: string;
  divisionCode: string;
  role: Role;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export class ApiKeyError extends ClientError {}

function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/**
 * API keys: created with a division and a role, shown once, stored only as a
 * SHA-256 hash (keys are 192 random bits, so a fast hash cannot be reversed
 * by guessing), listed by prefix, revoked by id or prefix.
 */
export class ApiKeyService {
  private readonly cache = new Map<string, { caller: Caller | null; at: number }>();

  constructor(
    private readonly pool: Pool,
    private readonly divisions: DivisionDirectory,
  ) {}

  /** Creates a key and returns it in clear — the only time it is ever visible. */
  async create(input: { name: string; divisionCode: string; role: string }): Promise<{ key: string; info: ApiKeyInfo }> {
    const problems: string[] = [];
    if (!input.name?.trim()) problems.push('name must not be empty');
    if (!ROLES.includes(input.role as Role)) problems.push(`role must be one of ${ROLES.join(', ')}, got '${input.role}'`);
    if (!this.divisions.get(input.divisionCode)) problems.push(`division '${input.divisionCode}' is not a known division code`);
    if (problems.length) throw new ApiKeyError(problems.join('; '));
    const prefix = randomBytes(4).toString('hex');
    const key = `hub_${prefix}_${randomBytes(24).toString('base64url')}`;
    const res = await this.pool.query(
      `insert into api_key (name, prefix, key_hash, division_code, role) values ($1, $2, $3, $4, $5)
       returning id::text, name, prefix, division_code as "divisionCode", role, created_at as "createdAt", last_used_at as "lastUsedAt", revoked_at as "revokedAt"`,
      [input.name.trim(), prefix, hashKey(key), input.divisionCode, input.role],
    );
    return { key, info: res.rows[0] };
  }

  async list(): Promise<ApiKeyInfo[]> {
    const res = await this.pool.query(
      `select id::text, name, prefix, division_code as "divisionCode", role, created_at as "createdAt", last_used_at as "lastUsedAt", revoked_at as "revokedAt"
         from api_key order by id`,
    );
    return res.rows;
  }

  /** Revokes a key by id or prefix; returns whether one was revoked. */
  async revoke(idOrPrefix: string): Promise<boolean> {
    const res = await this.pool.query(`update api_key set revoked_at = now() where (id::text = $1 or prefix = $1) and revoked_at is null`, [idOrPrefix]);
    this.cache.clear();
    return (res.rowCount ?? 0) > 0;
  }

  /**
   * Drops the cached authentication of these keys (by id), so the next
   * request with one of them reads the database. The subscription server
   * calls it when a revocation is announced (`hub_key_revoked`), so HTTP on
   * every process sees a revocation as soon as its open sockets do.
   */
  forget(keyIds: readonly string[]): void {
    const ids = new Set(keyIds);
    for (const [hash, hit] of this.cache) if (hit.caller && ids.has(hit.caller.keyId)) this.cache.delete(hash);
  }

  /** Drops every cached authentication (after a gap in the revocation notices). */
  forgetAll(): void {
    this.cache.clear();
  }

  /** Which of these keys (by id) are revoked or gone now. */
  async revokedAmong(keyIds: readonly string[]): Promise<string[]> {
    if (!keyIds.length) return [];
    const res = await this.pool.query<{ id: string }>(
      `select x.id from unnest($1::text[]) as x(id) left join api_key k on k.id::text = x.id where k.id is null or k.revoked_at is not null`,
      [[...keyIds]],
    );
    return res.rows.map((r) => r.id);
  }

  /**
   * The caller a presented key belongs to, or null for an unknown or revoked
   * key. Answers are cached for a few seconds so a busy client costs no query
   * per request; a revocation takes effect at once where it is announced
   * ({@link forget}), within that time at the latest.
   */
  async authenticate(key: string): Promise<Caller | null> {
    const hash = hashKey(key);
    const hit = this.cache.get(hash);
    if (hit && Date.now() - hit.at < 5000) return hit.caller;
    const res = await this.pool.query<{ id: string; name: string; role: Role; division_code: string }>(
      `update api_key set last_used_at = now() where key_hash = $1 and revoked_at is null
       returning id::text, name, role, division_code`,
      [hash],
    );
    const row = res.rows[0];
    let caller: Caller | null = null;
    if (row) {
      const d = this.divisions.get(row.division_code);
      if (d) caller = { keyId: row.id, name: row.name, role: row.role, scope: { divisionCode: d.code, level: d.level } };
    }
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(hash, { caller, at: Date.now() });
    return caller;
  }
}
