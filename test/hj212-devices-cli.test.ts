import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnHub } from './support/hub-process';
import { suiteDatabase } from './support/test-database';
import { provinceDaus, bindingFile } from '../simulator/dau/dau-devices';

/** `hub dau-sim --print-bindings` → `hub devices bind --file F` → `hub devices list`, as a steward runs them. */
describe('hub devices', () => {
  const tdb = suiteDatabase();

  it('binds the DAUs of the printed binding file to enterprises that exist and lists them', async () => {
    const daus = provinceDaus({ enterprises: 80, seed: 4, limit: 3 });
    for (const d of daus) {
      await tdb().db.pool.query(`insert into enterprise (credit_code, name, division_code) values ($1, $2, '370102') on conflict do nothing`, [
        d.creditCode,
        `企业${d.creditCode.slice(-4)}`,
      ]);
    }
    const printed = spawnHub(['dau-sim', '--enterprises', '80', '--seed', '4', '--devices', '3', '--print-bindings'], {});
    expect(await printed.exited).toBe(0);
    expect(JSON.parse(printed.output())).toEqual(JSON.parse(bindingFile(daus)));
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hub-devices-')), 'bindings.json');
    fs.writeFileSync(file, printed.output());
    const bind = spawnHub(['devices', 'bind', '--file', file], { DATABASE_URL: tdb().url });
    expect(await bind.exited).toBe(0);
    expect(daus).toHaveLength(3);
    expect(bind.output()).toContain('bound 3 of 3 device(s)');
    const list = spawnHub(['devices', 'list', '--bound'], { DATABASE_URL: tdb().url });
    expect(await list.exited).toBe(0);
    for (const d of daus) expect(list.output()).toContain(d.mn);
    expect(Number((await tdb().db.pool.query(`select count(*) as n from monitoring_device_limit`)).rows[0].n)).toBe(
      daus.reduce((n, d) => n + d.limits.length, 0),
    );
  });
});
