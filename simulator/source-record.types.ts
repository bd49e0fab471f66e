/**
 * Native record shapes of the five source systems, exactly as in
 * `shared/spec/sources.md` (the fixture format of the data folder).
 */

/** The five systems the simulator plays. */
export type SystemName = 'permit' | 'enforcement' | 'penalty' | 'monitoring' | 'credit';

/** All system names, in a fixed order. */
export const SYSTEM_NAMES: readonly SystemName[] = ['permit', 'enforcement', 'penalty', 'monitoring', 'credit'];

/** One permit of an enterprise (排污许可证). */
export interface PermitEntry {
  permitNo: string;
  validFrom: string;
  validTo: string;
  status: 'VALID' | 'EXPIRED' | 'REVOKED';
}

/** Permit system (排污许可) enterprise record. */
export interface PermitRecord {
  creditCode: string;
  name: string;
  divisionCode: string;
  address: string;
  /** The old 15-digit business registration number (注册号) the permit system keeps for some enterprises (set only with identity noise). */
  registrationNo?: string;
  longitude: number;
  latitude: number;
  industryCode: string;
  supervisionLevel: 'NATIONAL_KEY' | 'PROVINCIAL_KEY' | 'CITY_KEY' | 'GENERAL';
  managementClass: 'KEY' | 'SIMPLIFIED' | 'REGISTRATION';
  basin: 'YELLOW_RIVER' | 'HUAI_RIVER' | 'HAI_RIVER' | 'XIAOQING_RIVER' | 'PENINSULA';
  pollutionTypes: string[];
  airSources: string[];
  monitoringFacilities: string[];
  permits: PermitEntry[];
  updatedAt: string;
}

/** Enforcement measure types (执法措施). */
export type MeasureType =
  'SUSPEND_PRODUCTION' | 'SEAL_SEIZE' | 'RESTRICT_PRODUCTION' | 'ORDER_CORRECTION' | 'TRANSFER_DETENTION' | 'TRANSFER_CRIMINAL' | 'NO_PERMIT';

/** Enforcement system (环境执法) record, snake_case. `finding` for inspections, `measure_type` for measures. */
export interface EnforcementRecord {
  record_id: string;
  kind: 'INSPECTION' | 'MEASURE';
  credit_code: string;
  date: string;
  finding?: 'NONE' | 'VIOLATION' | 'NO_PERMIT';
  measure_type?: MeasureType;
  status: 'ACTIVE' | 'WITHDRAWN';
  modified_at: string;
  /** The enterprise's name as the enforcement office typed it (older records; optional). */
  enterprise_name?: string;
  /** The 9-character organisation code (GB 11714), possibly written `XXXXXXXX-X` (older records; optional). */
  org_code?: string;
  /** An emission permit number (HJ 608-2017) instead of a credit code (optional). */
  permit_no?: string;
  /** The old 15-digit business registration number (注册号) instead of a credit code (optional). */
  registration_no?: string;
  /** The county of the enforcement office that filed a record naming its enterprise only by name (optional). */
  division_code?: string;
}

/** Penalty system (行政处罚) case. */
export interface PenaltyRecord {
  caseNo: string;
  creditCode: string;
  decisionDate: string;
  amount: number;
  dailyConsecutive: boolean;
  status: 'FILED' | 'DECIDED' | 'EXECUTED' | 'REVOKED';
  modifiedAt: string;
  /** 当事人名称: the party's name as the case file has it (optional; the credit-code column may then be blank or an organisation code). */
  partyName?: string;
}

/** Online monitoring platform (在线监测) daily summary of one outlet and pollutant. */
export interface MonitoringRow {
  creditCode: string;
  outletCode: string;
  date: string;
  pollutantCode: string;
  validHours: number;
  exceedHours: number;
  dailyMean: number;
  limit: number;
  unit: string;
}

/** Credit evaluation system (环境信用评价) rating. */
export interface CreditRating {
  uscc: string;
  level: '绿标' | '蓝标' | '黄标' | '红标' | '黑标';
  ratedOn: string;
  updatedAt: string;
}

/** Record type of each system. */
export interface SystemRecordMap {
  permit: PermitRecord;
  enforcement: EnforcementRecord;
  penalty: PenaltyRecord;
  monitoring: MonitoringRow;
  credit: CreditRating;
}

/** The identity of a record within its system (what upserts and fault decisions key on). */
export function recordId(system: SystemName, r: Record<string, unknown>): string {
  switch (system) {
    case 'permit':
      return String(r.creditCode);
    case 'enforcement':
      return String(r.record_id);
    case 'penalty':
      return String(r.caseNo);
    case 'monitoring':
      return `${r.creditCode}|${r.outletCode}|${r.date}|${r.pollutantCode}`;
    case 'credit':
      return String(r.uscc);
  }
}
