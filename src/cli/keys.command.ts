import { parseArgs } from 'node:util';
import { HubServices } from '../app/hub-services';
import { ApiKeyError } from '../auth/api-key.service';
import { openHub } from '../app/hub-runtime';

/** `hub keys create --name NAME --division CODE --role ROLE | list | revoke ID` */
export async function runKeysCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const hub = await openHub();
  try {
    const keys = hub.services.apiKeys;
    if (sub === 'create') {
      const { values } = parseArgs({ args: rest, options: { name: { type: 'string' }, division: { type: 'string' }, role: { type: 'string' } }, strict: true });
      const missing = (['name', 'division', 'role'] as const).filter((k) => !values[k]);
      if (missing.length) throw new ApiKeyError(`hub keys create needs ${missing.map((m) => `--${m}`).join(', ')}`);
      const { key, info } = await keys.create({ name: values.name!, divisionCode: values.division!, role: values.role! });
      console.log(key);
      console.error(`key ${info.prefix} for ${info.name} (${info.role}, division ${info.divisionCode}); it is shown once and stored only as a hash`);
      return 0;
    }
    if (sub === 'list') {
      for (const k of await keys.list()) {
        console.log(
          `${k.id.padStart(4)}  ${k.prefix}  ${k.role.padEnd(8)} ${k.divisionCode}  ${k.revokedAt ? 'revoked ' + k.revokedAt.toISOString() : 'active '}  ${k.name}`,
        );
      }
      return 0;
    }
    if (sub === 'revoke') {
      if (!rest[0]) throw new ApiKeyError('hub keys revoke needs a key id or prefix');
      const done = await keys.revoke(rest[0]);
      console.log(done ? `revoked ${rest[0]}` : `no active key ${rest[0]}`);
      return done ? 0 : 1;
    }
    throw new ApiKeyError(`unknown keys subcommand '${sub ?? ''}'; use create, list or revoke`);
  } catch (e) {
    if (e instanceof ApiKeyError) {
      console.error(e.message);
      return 2;
    }
    throw e;
  } finally {
    await hub.shutdown();
  }
}

/** The demo callers `npm start` prints: one key per level, replaced at every start. */
export const DEMO_CALLERS = [
  { name: 'demo: 山东省生态环境厅 (province)', divisionCode: '370000', role: 'ADMIN' },
  { name: 'demo: 济南市生态环境局 (city)', divisionCode: '370100', role: 'BUREAU' },
  { name: 'demo: 济南市生态环境局历下分局 (county)', divisionCode: '370102', role: 'BUREAU' },
  { name: 'demo: 省自然资源厅 (partner)', divisionCode: '370000', role: 'PARTNER' },
  { name: 'demo: 数据管理员 (steward)', divisionCode: '370000', role: 'STEWARD' },
];

/** Revokes earlier demo keys and creates fresh ones; returns them for printing. */
export async function createDemoKeys(services: HubServices): Promise<{ name: string; role: string; divisionCode: string; key: string }[]> {
  await services.db.pool.query(`update api_key set revoked_at = now() where name like 'demo: %' and revoked_at is null`);
  const out = [];
  for (const c of DEMO_CALLERS) out.push({ ...c, key: (await services.apiKeys.create(c)).key });
  return out;
}
