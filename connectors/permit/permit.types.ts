/** A record of the permit system (排污许可) as its API sends it. */
export interface PermitNativeRecord {
  creditCode: string;
  name: string;
  divisionCode: string;
  address?: string;
  /** The old 15-digit business registration number (注册号), kept for some enterprises. */
  registrationNo?: string;
  longitude?: number;
  latitude?: number;
  industryCode?: string;
  supervisionLevel?: string;
  managementClass?: string;
  basin?: string;
  pollutionTypes?: string[];
  airSources?: string[];
  monitoringFacilities?: string[];
  permits?: { permitNo: string; validFrom: string; validTo: string; status: string }[];
  updatedAt: string;
}

/** One page of `GET /permit/api/v1/enterprises`. */
export interface PermitPage {
  total: number;
  page: number;
  pageSize: number;
  items: PermitNativeRecord[];
}

/** What the permit connector commits after each page: the newest `updatedAt` stored. */
export interface PermitCursor {
  watermark: string | null;
}
