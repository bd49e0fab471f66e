/** A daily summary row of the online monitoring platform (在线监测) as its API sends it. */
export interface MonitoringNativeRow {
  creditCode: string;
  outletCode: string;
  date: string;
  /** HJ 212-2017 pollutant code, e.g. `a21026` (SO2). */
  pollutantCode: string;
  validHours: number;
  exceedHours: number;
  dailyMean?: number;
  limit?: number;
  unit?: string;
}

/** One page of `GET /monitoring/api/daily`. */
export interface MonitoringPage {
  date: string;
  page: number;
  size: number;
  total: number;
  rows: MonitoringNativeRow[];
}

/** What the monitoring connector commits: the range of dates read completely, `earliest` … `lastComplete`. */
export interface MonitoringCursor {
  /** `YYYY-MM-DD`; every run re-reads the last few dates up to it, because rows are revised late. */
  lastComplete: string | null;
  /**
   * `YYYY-MM-DD`, the earliest date read completely (every date from it to
   * `lastComplete` is stored). A rule set whose window starts earlier makes the
   * next run read the dates before it. Absent in cursors saved before coverage was recorded.
   */
  earliest?: string | null;
}
