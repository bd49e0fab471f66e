/**
 * Deterministic keys, in the order of the entity-resolution spec: a valid unified
 * social credit code; a valid organisation code → the enterprise whose code embeds
 * it; a permit number → its credit-code prefix; a registration number known to the
 * permit system. Each result names the key that made it.
 */
import { creditCodeProblem, isValidCreditCode } from '../domain/credit-code';
import { creditCodeOfPermitNo, foldWidth, normaliseOrgCode, orgCodeOfCreditCode, orgCodeProblem, permitNoProblem } from './org-code';

/** The key that linked a record, in the order they are tried. */
export type ResolutionKey = 'CREDIT_CODE' | 'ORG_CODE' | 'PERMIT_NO' | 'REGISTRATION_NO';

/** The identifiers a source record carries (any may be absent or blank). */
export interface SourceIdentity {
  /** The credit-code field; some systems put a 9-character organisation code here. */
  creditCode?: string | null;
  orgCode?: string | null;
  permitNo?: string | null;
  /** The 15-digit business registration number (注册号). */
  registrationNo?: string | null;
}

/** What the keys look up in the enterprise register. */
export interface KeyLookup {
  /** Credit codes of registered enterprises whose positions 9–17 are `orgCode`. */
  creditCodesByOrgCode(orgCode: string): readonly string[];
  /** The credit code the permit system records for an old registration number. */
  creditCodeByRegistrationNo(registrationNo: string): string | undefined;
}

/** A record's identity resolved by a key, or why none did. */
export type KeyResolution = { creditCode: string; key: ResolutionKey; detail: string } | { creditCode: null; key: null; tried: string[] };

const blank = (s: string | null | undefined): s is null | undefined => s === null || s === undefined || s.trim() === '';

/** Resolves by the first key that names exactly one enterprise. */
export function resolveByKeys(id: SourceIdentity, lookup: KeyLookup): KeyResolution {
  const tried: string[] = [];
  const orgCodes: string[] = [];
  if (!blank(id.creditCode)) {
    const code = foldWidth(id.creditCode).trim().toUpperCase();
    if (isValidCreditCode(code)) return { creditCode: code, key: 'CREDIT_CODE', detail: `valid credit code ${code}` };
    const asOrg = normaliseOrgCode(code);
    if (asOrg.length === 9) orgCodes.push(asOrg);
    else tried.push(creditCodeProblem(code) ?? `credit code '${code}' is not valid`);
  }
  if (!blank(id.orgCode)) orgCodes.push(normaliseOrgCode(id.orgCode));
  for (const org of new Set(orgCodes)) {
    const problem = orgCodeProblem(org);
    if (problem) {
      tried.push(problem);
      continue;
    }
    const hits = lookup.creditCodesByOrgCode(org);
    if (hits.length === 1) return { creditCode: hits[0], key: 'ORG_CODE', detail: `organisation code ${org} is embedded in ${hits[0]}` };
    tried.push(
      hits.length === 0 ? `no registered enterprise embeds organisation code ${org}` : `organisation code ${org} is embedded in ${hits.length} credit codes`,
    );
  }
  if (!blank(id.permitNo)) {
    const code = creditCodeOfPermitNo(id.permitNo);
    if (code) return { creditCode: code, key: 'PERMIT_NO', detail: `permit number ${id.permitNo.trim()} begins with ${code}` };
    tried.push(permitNoProblem(id.permitNo) ?? `permit number '${id.permitNo}' names no enterprise`);
  }
  if (!blank(id.registrationNo)) {
    const no = foldWidth(id.registrationNo).trim();
    const code = lookup.creditCodeByRegistrationNo(no);
    if (code) return { creditCode: code, key: 'REGISTRATION_NO', detail: `registration number ${no} is recorded for ${code}` };
    tried.push(`registration number ${no} is not known to the permit system`);
  }
  if (tried.length === 0) tried.push('the record carries no credit code, organisation code, permit number or registration number');
  return { creditCode: null, key: null, tried };
}

/** An in-memory {@link KeyLookup} over the register's credit codes (and known registration numbers). */
export class KeyRegister implements KeyLookup {
  private readonly byOrg = new Map<string, string[]>();
  private readonly byRegistration = new Map<string, string>();

  constructor(enterprises: Iterable<{ creditCode: string; registrationNo?: string | null }>) {
    for (const e of enterprises) {
      const org = orgCodeOfCreditCode(e.creditCode);
      const list = this.byOrg.get(org);
      if (list) list.push(e.creditCode);
      else this.byOrg.set(org, [e.creditCode]);
      if (e.registrationNo) this.byRegistration.set(e.registrationNo, e.creditCode);
    }
  }

  creditCodesByOrgCode(orgCode: string): readonly string[] {
    return this.byOrg.get(orgCode) ?? [];
  }

  creditCodeByRegistrationNo(registrationNo: string): string | undefined {
    return this.byRegistration.get(registrationNo);
  }
}
