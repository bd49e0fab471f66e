import { createHash } from 'node:crypto';
import { isValidCreditCode } from '../src/domain/credit-code';
import { creditCodeOfPermitNo, isValidOrgCode, normaliseOrgCode, orgCodeOfCreditCode } from '../src/resolution/org-code';
import { generateProvince, type GeneratedProvince } from './province.generator';
import { SourceDataStore } from './source-data.store';
import { penaltyRoute } from './systems/penalty.route';
import { adminRoute } from './systems/admin.route';
import { FaultInjector } from './fault-injection';
import { parseCsvObjects } from '../connectors/penalty/penalty-csv.parser';
import { PENALTY_HEADERS, PENALTY_OPTIONAL_HEADERS } from '../connectors/penalty/penalty.types';

const OPTS = { enterprises: 600, seed: 5, today: '2026-11-30', monitoringDays: 3 };

/** ISO 7064 MOD 11,10 over the 15 digits of a registration number. */
function isValidRegistrationNo(no: string): boolean {
  let p = 10;
  for (const ch of no.slice(0, 14)) {
    const sum = (Number(ch) + p) % 10 || 10;
    p = (sum * 2) % 11;
  }
  return (p + Number(no[14])) % 10 === 1;
}

function digest(p: GeneratedProvince): string {
  const h = createHash('sha256');
  h.update(JSON.stringify([p.permit, p.enforcement, p.penalty, p.credit]));
  for (let d = p.monitoring.firstDay; d < p.monitoring.firstDay + p.monitoring.days; d++) h.update(JSON.stringify(p.monitoring.rowsFor(d)));
  return h.digest('hex');
}

describe('identity noise', () => {
  const noisy = generateProvince({ ...OPTS, identityNoise: 0.2, identityNoiseSeed: 9 });
  const byCode = new Map(noisy.permit.map((e) => [e.creditCode, e]));

  it('is off by default: noise 0 gives the province main generated before noise existed', () => {
    // digest of generateProvince(OPTS) computed with main's generator before identity noise was added,
    // recomputed when issue 16 added outages and late revisions to the monitoring world (noise still off),
    // and when issue 19 tied each enterprise's monitoring behaviour to its hidden profile (its monitoring rows only)
    const before = '5fcee83d54010788085c761ff665a2016d9d3ee4b9f0c67da282a8e7938efca8';
    expect(digest(generateProvince(OPTS))).toBe(before);
    expect(digest(generateProvince({ ...OPTS, identityNoise: 0 }))).toBe(before);
    expect(generateProvince(OPTS).truth).toEqual([]);
  });

  it('is deterministic from its seed and changes only enforcement and penalty identities (and keeps old registration numbers)', () => {
    const again = generateProvince({ ...OPTS, identityNoise: 0.2, identityNoiseSeed: 9 });
    expect(digest(again)).toBe(digest(noisy));
    expect(again.truth).toEqual(noisy.truth);
    expect(digest(generateProvince({ ...OPTS, identityNoise: 0.2, identityNoiseSeed: 10 }))).not.toBe(digest(noisy));
    const clean = generateProvince(OPTS);
    expect(noisy.permit.map(({ registrationNo: _, ...p }) => p)).toEqual(clean.permit);
    // The permit system keeps the old registration number of about 30 % of enterprises, each a valid 注册号 of its county.
    const kept = noisy.permit.filter((p) => p.registrationNo);
    expect(kept.length / noisy.permit.length).toBeGreaterThan(0.2);
    expect(kept.length / noisy.permit.length).toBeLessThan(0.4);
    for (const p of kept) {
      expect(p.registrationNo).toMatch(new RegExp(`^${p.divisionCode}\\d{9}$`));
      expect(isValidRegistrationNo(p.registrationNo!)).toBe(true);
    }
    expect(noisy.credit).toEqual(clean.credit);
    expect(noisy.enforcement.map((r) => [r.record_id, r.date, r.status])).toEqual(clean.enforcement.map((r) => [r.record_id, r.date, r.status]));
  });

  it('makes about the asked share noisy, in every variant, with the truth naming the real enterprise', () => {
    const enfIds = new Set(noisy.enforcement.map((r) => r.record_id));
    const enfTruth = noisy.truth.filter((t) => t.system === 'enforcement');
    const penTruth = noisy.truth.filter((t) => t.system === 'penalty');
    expect(enfTruth.length / enfIds.size).toBeGreaterThan(0.15);
    expect(enfTruth.length / enfIds.size).toBeLessThan(0.25);
    expect(penTruth.length / noisy.penalty.length).toBeGreaterThan(0.12);
    expect(penTruth.length / noisy.penalty.length).toBeLessThan(0.28);
    const variants = new Set(noisy.truth.map((t) => t.variant));
    for (const v of ['ORG_CODE', 'PERMIT_NO', 'REGISTRATION_NO', 'NAME_SUFFIX', 'NAME_CITY', 'NAME_TYPO']) expect(variants).toContain(v);
    for (const t of noisy.truth) expect(byCode.has(t.creditCode)).toBe(true);
  });

  it('writes each variant so that its key, where it has one, leads back to the truth', () => {
    const truth = new Map(noisy.truth.map((t) => [`${t.system}|${t.recordId}`, t]));
    const checked = new Set<string>();
    for (const r of noisy.enforcement) {
      const t = truth.get(`enforcement|${r.record_id}`);
      if (!t) {
        expect(isValidCreditCode(r.credit_code)).toBe(true);
        expect(r.enterprise_name ?? r.org_code ?? r.permit_no ?? r.registration_no ?? r.enterprise_address).toBeUndefined();
        continue;
      }
      expect(r.credit_code).toBe('');
      if (t.variant === 'ORG_CODE') expect(normaliseOrgCode(r.org_code!)).toBe(orgCodeOfCreditCode(t.creditCode));
      else if (t.variant === 'PERMIT_NO') expect(creditCodeOfPermitNo(r.permit_no!)).toBe(t.creditCode);
      else if (t.variant === 'REGISTRATION_NO') expect(r.registration_no).toBe(byCode.get(t.creditCode)!.registrationNo);
      else {
        expect(r.enterprise_name).toBeTruthy();
        expect(r.division_code).toBe(byCode.get(t.creditCode)!.divisionCode);
        // the inspected site's address: the registered one, with its province (and city) perhaps left out
        expect(byCode.get(t.creditCode)!.address.endsWith(r.enterprise_address!)).toBe(true);
      }
      checked.add(`enforcement|${r.record_id}`);
    }
    for (const r of noisy.penalty) {
      const t = truth.get(`penalty|${r.caseNo}`);
      if (!t) continue;
      expect(r.partyName).toBeTruthy();
      if (t.variant === 'ORG_CODE') {
        expect(isValidOrgCode(normaliseOrgCode(r.creditCode))).toBe(true);
        expect(normaliseOrgCode(r.creditCode)).toBe(orgCodeOfCreditCode(t.creditCode));
      } else expect(r.creditCode).toBe('');
      checked.add(`penalty|${r.caseNo}`);
    }
    expect(checked.size).toBe(noisy.truth.length);
  });

  it('varies names the ways county offices do', () => {
    const truth = new Map(noisy.truth.map((t) => [t.recordId, t]));
    const names = noisy.enforcement.filter((r) => r.enterprise_name && truth.get(r.record_id)!.variant !== 'ORG_CODE');
    const suffix = names.find((r) => truth.get(r.record_id)!.variant === 'NAME_SUFFIX')!;
    const real = byCode.get(truth.get(suffix.record_id)!.creditCode)!.name;
    expect(suffix.enterprise_name).not.toBe(real);
    expect(suffix.enterprise_name!.replace('有限责任公司', '有限公司')).toBe(real.replace('有限责任公司', '有限公司'));
    const city = names.find((r) => truth.get(r.record_id)!.variant === 'NAME_CITY')!;
    expect(city.enterprise_name).toMatch(/^(山东省)?\S+市/);
  });

  it('serves the party-name column and the truth over the simulator routes, and the hub parser keeps the column', async () => {
    const store = SourceDataStore.fromGenerated(noisy);
    const faults = new FaultInjector({});
    const res = penaltyRoute({
      method: 'GET',
      url: new URL('http://s/penalty/export.csv?modifiedFrom=2026-11-01&modifiedTo=2026-11-29'),
      store,
      faults,
      body: undefined,
    });
    const { headers, rows } = await parseCsvObjects(res.body, [...PENALTY_HEADERS, ...PENALTY_OPTIONAL_HEADERS]);
    expect(headers).toEqual([...PENALTY_HEADERS, '当事人名称']);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r['当事人名称'] !== undefined && r._cells === undefined)).toBe(true);
    const truth = adminRoute({ method: 'GET', url: new URL('http://s/admin/truth'), store, faults, body: undefined });
    expect(JSON.parse(truth!.body.toString()).records).toEqual(noisy.truth);
    // without noise the export is as before: no party-name column
    const plain = penaltyRoute({
      method: 'GET',
      url: new URL('http://s/penalty/export.csv?modifiedFrom=2026-11-01&modifiedTo=2026-11-29'),
      store: SourceDataStore.fromGenerated(generateProvince(OPTS)),
      faults,
      body: undefined,
    });
    expect((await parseCsvObjects(plain.body)).headers).toEqual([...PENALTY_HEADERS]);
  });
});
