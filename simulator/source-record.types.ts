import type { EnforcementNativeRecord } from '../connectors/enforcement/enforcement.types';
import type { MonitoringNativeRow } from '../connectors/monitoring/monitoring.types';
import type { MeasureType } from '../src/domain/vocabulary';

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

/** Enforcement measure types (执法措施): the domain's list. */
export type { MeasureType };

/** Enforcement system (环境执法) record, snake_case, as the enforcement connector reads it, with a measure type from the domain's list. */
export interface EnforcementRecord extends EnforcementNativeRecord {
  measure_type?: MeasureType;
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

/** Online monitoring platform (在线监测) daily summary of one outlet and pollutant: the connector's native row, every field given. */
export type MonitoringRow = Required<MonitoringNativeRow>;

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
