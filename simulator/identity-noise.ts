/**
 * Identity noise: enforcement and penalty records that name their enterprise the
 * way older source systems do — only the organisation code, only a permit number,
 * or a blank code with a name typed differently (legal-form suffix varied,
 * full-width or half-width brackets, a leading city name, a former name, a typo).
 * Deterministic from (seed, record id); off (rate 0) unless asked for. The truth —
 * which enterprise each noisy record really names — is kept beside it for
 * measuring the hub's entity resolution (`GET /admin/truth`).
 */
import { orgCodeOfCreditCode } from '../src/resolution/org-code';
import { NAME_CHARS } from './industry-catalog';
import { Rng, hashParts } from './prng';
import { loadDivisions } from './shandong-divisions';
import type { EnforcementRecord, PenaltyRecord, PermitRecord } from './source-record.types';

/** How a noisy record names its enterprise. */
export type NoiseVariant = 'ORG_CODE' | 'PERMIT_NO' | 'REGISTRATION_NO' | 'NAME_SUFFIX' | 'NAME_BRACKETS' | 'NAME_CITY' | 'NAME_FORMER' | 'NAME_TYPO';

/** One noisy record and the enterprise it really names. */
export interface TruthEntry {
  system: 'enforcement' | 'penalty';
  /** `record_id` or `caseNo`. */
  recordId: string;
  creditCode: string;
  variant: NoiseVariant;
}

/** Options of {@link applyIdentityNoise}. */
export interface IdentityNoiseOptions {
  /** Share (0–1) of enforcement records and of penalty cases made noisy. */
  rate: number;
  seed: number;
}

const FULL_WIDTH: Record<string, string> = { '(': '（', ')': '）', ',': '，' };
const HALF_WIDTH: Record<string, string> = { '（': '(', '）': ')', '，': ',' };

/** A name as a county office might type it, and the variant that made it. */
export function nameVariant(r: Rng, e: PermitRecord): { name: string; variant: NoiseVariant } {
  const county = loadDivisions().counties.find((c) => c.code === e.divisionCode);
  const former = /\(原"([^"]+)",已更名\)/.exec(e.name);
  const current = e.name.replace(/\(原"[^"]+",已更名\)/, '');
  const choices: NoiseVariant[] = ['NAME_SUFFIX', 'NAME_CITY', 'NAME_TYPO', 'NAME_CITY'];
  if (former) choices.push('NAME_FORMER', 'NAME_FORMER');
  if (/[(),（），]/.test(current)) choices.push('NAME_BRACKETS');
  const variant = r.pick(choices);
  switch (variant) {
    case 'NAME_SUFFIX':
      if (current.endsWith('股份有限公司')) return { name: current, variant };
      if (current.endsWith('有限责任公司')) return { name: current.replace(/有限责任公司$/, '有限公司'), variant };
      return { name: current.replace(/有限公司$/, '有限责任公司'), variant };
    case 'NAME_CITY': {
      const city = county?.cityName ?? '山东省';
      const short = city.replace(/市$/, '');
      const base = current.startsWith(short) && !current.startsWith(city) ? current.slice(short.length) : current;
      return { name: `${r.chance(0.3) ? '山东省' : ''}${city}${base}`, variant };
    }
    case 'NAME_FORMER':
      return { name: former![1], variant };
    case 'NAME_BRACKETS':
      return { name: [...current].map((ch) => FULL_WIDTH[ch] ?? HALF_WIDTH[ch] ?? ch).join(''), variant };
    case 'NAME_TYPO': {
      const chars = [...current];
      // a character of the trade name (after a 2-character place name, before the suffix)
      const at = Math.min(chars.length - 5, 2 + r.int(0, 1));
      let ch = r.pick(NAME_CHARS);
      while (ch === chars[at]) ch = r.pick(NAME_CHARS);
      chars[at] = ch;
      return { name: chars.join(''), variant };
    }
    default:
      return { name: current, variant };
  }
}

/** The inspected site's address as an office types it: the registered address, its province or also its city left out. */
function writtenAddress(r: Rng, address: string): string {
  const noProvince = address.replace(/^山东省/, '');
  return r.pick([address, noProvince, noProvince.replace(/^[^市]+市/, '')]);
}

/** Writes an organisation code as older systems do: with or without the hyphen before the check character. */
function writtenOrgCode(r: Rng, creditCode: string): string {
  const org = orgCodeOfCreditCode(creditCode);
  return r.chance(0.5) ? `${org.slice(0, 8)}-${org[8]}` : org;
}

/**
 * A 15-digit business registration number (注册号, GB/T 17629-era): the county's 6-digit
 * code, an 8-digit sequence, and an ISO 7064 MOD 11,10 check digit.
 */
export function registrationNumber(r: Rng, divisionCode: string): string {
  const body = divisionCode + String(r.int(0, 99_999_999)).padStart(8, '0');
  let p = 10;
  for (const ch of body) {
    let sum = (Number(ch) + p) % 10;
    if (sum === 0) sum = 10;
    p = (sum * 2) % 11;
  }
  return body + String((11 - p) % 10);
}

/** Share of enterprises whose old registration number the permit system keeps (with identity noise on). */
const REGISTRATION_SHARE = 0.3;

/**
 * Makes a share of enforcement records and penalty cases noisy, in place of their
 * credit code, and returns the truth. Every version of an enforcement record in the
 * change log carries the same noise. The permit system then also keeps the old
 * registration number of a share of enterprises (`registrationNo`), which some
 * enforcement records carry instead. With `rate` 0 nothing changes.
 */
export function applyIdentityNoise(
  permits: PermitRecord[],
  enforcement: EnforcementRecord[],
  penalty: PenaltyRecord[],
  opts: IdentityNoiseOptions,
): TruthEntry[] {
  if (!(opts.rate > 0)) return [];
  for (let i = 0; i < permits.length; i++) {
    const r = new Rng(hashParts(opts.seed, 'registration', permits[i].creditCode));
    if (r.chance(REGISTRATION_SHARE)) permits[i] = { ...permits[i], registrationNo: registrationNumber(r, permits[i].divisionCode) };
  }
  const byCode = new Map(permits.map((p) => [p.creditCode, p]));
  const truth: TruthEntry[] = [];
  const decided = new Map<string, Partial<EnforcementRecord> | null>();
  for (let i = 0; i < enforcement.length; i++) {
    const rec = enforcement[i];
    let patch = decided.get(rec.record_id);
    if (patch === undefined) {
      patch = null;
      const r = new Rng(hashParts(opts.seed, 'enforcement', rec.record_id));
      const e = byCode.get(rec.credit_code);
      if (e && r.chance(opts.rate)) {
        const kind = r.weightedPairs<'ORG' | 'PERMIT' | 'REGISTRATION' | 'NAME'>([
          ['ORG', 25],
          ['PERMIT', 15],
          ['REGISTRATION', 10],
          ['NAME', 50],
        ]);
        let variant: NoiseVariant;
        if (kind === 'REGISTRATION' && e.registrationNo) {
          patch = { credit_code: '', registration_no: e.registrationNo };
          variant = 'REGISTRATION_NO';
        } else if (kind !== 'NAME' && (kind !== 'PERMIT' || e.permits.length === 0)) {
          patch = { credit_code: '', org_code: writtenOrgCode(r, e.creditCode), enterprise_name: r.chance(0.5) ? e.name : undefined };
          variant = 'ORG_CODE';
        } else if (kind === 'PERMIT') {
          patch = { credit_code: '', permit_no: r.pick(e.permits).permitNo };
          variant = 'PERMIT_NO';
        } else {
          const v = nameVariant(r, e);
          patch = { credit_code: '', enterprise_name: v.name, division_code: e.divisionCode, enterprise_address: writtenAddress(r, e.address) };
          variant = v.variant;
        }
        truth.push({ system: 'enforcement', recordId: rec.record_id, creditCode: e.creditCode, variant });
      }
      decided.set(rec.record_id, patch);
    }
    if (patch) {
      const out: EnforcementRecord = { ...rec, ...patch };
      for (const k of Object.keys(patch) as Array<keyof EnforcementRecord>) if (out[k] === undefined) delete out[k];
      enforcement[i] = out;
    }
  }
  for (let i = 0; i < penalty.length; i++) {
    const rec = penalty[i];
    const r = new Rng(hashParts(opts.seed, 'penalty', rec.caseNo));
    const e = byCode.get(rec.creditCode);
    if (!e || !r.chance(opts.rate)) continue;
    if (r.chance(0.4)) {
      penalty[i] = { ...rec, creditCode: writtenOrgCode(r, e.creditCode), partyName: e.name };
      truth.push({ system: 'penalty', recordId: rec.caseNo, creditCode: e.creditCode, variant: 'ORG_CODE' });
    } else {
      const v = nameVariant(r, e);
      penalty[i] = { ...rec, creditCode: '', partyName: v.name };
      truth.push({ system: 'penalty', recordId: rec.caseNo, creditCode: e.creditCode, variant: v.variant });
    }
  }
  return truth;
}
