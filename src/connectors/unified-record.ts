/**
 * The unified model every connector maps its source's native records onto.
 * A connector's `map` produces these; the ingest pipeline validates, links and
 * stores them. Field names are the hub's, not any source system's.
 */

import {
  CreditLevel,
  EnforcementKind,
  EnforcementStatus,
  Finding,
  Basin,
  ManagementClass,
  PenaltyStatus,
  PermitStatus,
  SupervisionLevel,
} from '../domain/vocabulary';

/** The kinds of record the unified store holds. */
export type RecordKind = 'enterprise' | 'enforcement' | 'penalty' | 'monitoring' | 'rating';

export const RECORD_KINDS: RecordKind[] = ['enterprise', 'enforcement', 'penalty', 'monitoring', 'rating'];

/** A permit held by an enterprise. */
export interface PermitData {
  permitNo: string;
  validFrom: string;
  validTo: string;
  status: PermitStatus;
}

/** Enterprise master data (permit system). */
export interface EnterpriseData {
  name: string;
  divisionCode: string;
  address?: string | null;
  /** The old 15-digit business registration number (注册号) the permit system keeps for some enterprises; entity resolution links records by it. */
  registrationNo?: string | null;
  longitude?: number | null;
  latitude?: number | null;
  industryCode?: string | null;
  supervisionLevel?: SupervisionLevel | null;
  managementClass?: ManagementClass | null;
  basin?: Basin | null;
  pollutionTypes: string[];
  airSources: string[];
  monitoringFacilities: string[];
  permits: PermitData[];
  /** When the source last changed the record (ISO 8601 with zone). */
  updatedAt?: string | null;
}

/** An inspection or an enforcement measure (enforcement system). */
export interface EnforcementData {
  recordId: string;
  kind: EnforcementKind;
  date: string;
  finding?: Finding | null;
  measureType?: string | null;
  status: EnforcementStatus;
  modifiedAt: string;
}

/** An administrative penalty case (penalty system). */
export interface PenaltyData {
  caseNo: string;
  decisionDate: string;
  /** Amount in yuan. */
  amount: number;
  dailyConsecutive: boolean;
  status: PenaltyStatus;
  modifiedAt: string;
}

/** A daily summary of one outlet and pollutant (online monitoring platform). */
export interface MonitoringData {
  outletCode: string;
  pollutantCode: string;
  date: string;
  validHours: number;
  exceedHours: number;
  dailyMean?: number | null;
  limit?: number | null;
  unit?: string | null;
}

/** A credit evaluation rating (credit colour). */
export interface RatingData {
  level: CreditLevel;
  ratedOn: string;
  updatedAt?: string | null;
}

interface DataByKind {
  enterprise: EnterpriseData;
  enforcement: EnforcementData;
  penalty: PenaltyData;
  monitoring: MonitoringData;
  rating: RatingData;
}

/**
 * What else a record says about whose it is, for records that do not carry a valid
 * credit code (older enforcement and penalty systems): entity resolution
 * (`src/resolution`, `shared/spec/entity-resolution.md`) links them by these.
 * Every field is optional; blank means absent.
 */
export interface RecordIdentity {
  /** The enterprise's name as the source typed it. */
  name?: string | null;
  /** A 9-character organisation code (组织机构代码), with or without its hyphen. */
  orgCode?: string | null;
  /** A permit number (HJ 608-2017: the credit code, a 3-digit sequence and a letter). */
  permitNo?: string | null;
  /** A 15-digit business registration number (注册号). */
  registrationNo?: string | null;
  /** The county the source files the record under (the similarity block). */
  divisionCode?: string | null;
  address?: string | null;
}

/** The unified fields of {@link RecordIdentity} a declarative mapping may fill (enforcement and penalty). */
export const IDENTITY_TARGETS = {
  enterpriseName: 'name',
  orgCode: 'orgCode',
  permitNo: 'permitNo',
  registrationNo: 'registrationNo',
  enterpriseDivisionCode: 'divisionCode',
  enterpriseAddress: 'address',
} as const satisfies Record<string, keyof RecordIdentity>;

/** One record in the unified model: what it is, whose it is, its id in its source, its data (and, optionally, what else identifies its enterprise). */
export type UnifiedRecord<K extends RecordKind = RecordKind> = {
  [P in K]: { kind: P; creditCode: string; sourceId: string; data: DataByKind[P]; identity?: RecordIdentity };
}[K];
