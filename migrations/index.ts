import { Migration20261130000100InitialStore } from './Migration20261130000100_initial-store';
import { Migration20261130000200HealthScore } from './Migration20261130000200_health-score';
import { Migration20261130000300ScheduledTasks } from './Migration20261130000300_scheduled-tasks';
import { Migration20261130000400CallersAndAudit } from './Migration20261130000400_callers-and-audit';
import { Migration20261130000500Tags } from './Migration20261130000500_tags';
import { Migration20261130000600Warnings } from './Migration20261130000600_warnings';
import { Migration20261130000700QuarantineScope } from './Migration20261130000700_quarantine-scope';
import { Migration20261130000800SearchIndexes } from './Migration20261130000800_search-indexes';
import { Migration20261130000900RankCountyBuckets } from './Migration20261130000900_rank-county-buckets';
import { Migration20261130001000SourceRecordLean } from './Migration20261130001000_source-record-lean';
import { Migration20261201000100SourceRecordVersion } from './Migration20261201000100_source-record-version';
import { Migration20261201000500Hj212Gateway } from './Migration20261201000500_hj212-gateway';
import { Migration20261201000600DeriveMarks } from './Migration20261201000600_derive-marks';
import { Migration20261201094500RulesAsData } from './Migration20261201094500_rules-as-data';
import { Migration20261201110000SupervisionPlans } from './Migration20261201110000_supervision-plans';
import { Migration20261201100000ConnectorAttention } from './Migration20261201100000_connector-attention';
import { Migration20261201113000EntityResolution } from './Migration20261201113000_entity-resolution';
import { Migration20261201113000RealtimeExceed } from './Migration20261201113000_realtime-exceed';
import { Migration20261201120000ResultSnapshots } from './Migration20261201120000_result-snapshots';
import { Migration20261201130000CompactResultSnapshots } from './Migration20261201130000_compact-result-snapshots';
import { Migration20261201130100ConnectorBackfill } from './Migration20261201130100_connector-backfill';
import { Migration20261201134000ResolutionTrgm } from './Migration20261201134000_resolution-trgm';
import { Migration20261201163000EnterpriseRegistrationNo } from './Migration20261201163000_enterprise-registration-no';
import { Migration20261201171000EnterpriseNameKeys } from './Migration20261201171000_enterprise-name-keys';
import { Migration20261201141000MonitoringSourceBatches } from './Migration20261201141000_monitoring-source-batches';
import { Migration20261201170000MonitoringMonthAggregates } from './Migration20261201170000_monitoring-month-aggregates';
import { Migration20261201172000MonitoringAuthorityWhen } from './Migration20261201172000_monitoring-authority-when';
import { Migration20261201180000Hj212PacketIndexes } from './Migration20261201180000_hj212-packet-indexes';
import { Migration20261202010000MonitoringMonthFillfactor } from './Migration20261202010000_monitoring-month-fillfactor';
import { Migration20261202020000MonitoringOutletAggregates } from './Migration20261202020000_monitoring-outlet-aggregates';
import { Migration20261202030000EnterpriseTagIds } from './Migration20261202030000_enterprise-tag-ids';
import { Migration20261202040000MonitoringDeferredFold } from './Migration20261202040000_monitoring-deferred-fold';
import { Migration20261202060000MonitoringDayCovering } from './Migration20261202060000_monitoring-day-covering';
import { Migration20261202070000OrderingIndexTags } from './Migration20261202070000_ordering-index-tags';
import { Migration20261201160000SupervisionObjections } from './Migration20261201160000_supervision-objections';
import { Migration20261201131500ScheduleJobs } from './Migration20261201131500_schedule-jobs';
import { Migration20261201132000MonitoringDayPartitioned } from './Migration20261201132000_monitoring-day-partitioned';
import { Migration20261201133000KeyRevocationNotify } from './Migration20261201133000_key-revocation-notify';
import { Migration20261201140000SupervisionTasks } from './Migration20261201140000_supervision-tasks';

/**
 * Every migration of the hub, in order. Listing them explicitly lets the
 * Migrator run the same classes from TypeScript sources (tests) and from dist/.
 * Add a new migration here when you add its file.
 */
export const migrationsList = [
  { name: 'Migration20261130000100_initial-store', class: Migration20261130000100InitialStore },
  { name: 'Migration20261130000200_health-score', class: Migration20261130000200HealthScore },
  { name: 'Migration20261130000300_scheduled-tasks', class: Migration20261130000300ScheduledTasks },
  { name: 'Migration20261130000400_callers-and-audit', class: Migration20261130000400CallersAndAudit },
  { name: 'Migration20261130000500_tags', class: Migration20261130000500Tags },
  { name: 'Migration20261130000600_warnings', class: Migration20261130000600Warnings },
  { name: 'Migration20261130000700_quarantine-scope', class: Migration20261130000700QuarantineScope },
  { name: 'Migration20261130000800_search-indexes', class: Migration20261130000800SearchIndexes },
  { name: 'Migration20261130000900_rank-county-buckets', class: Migration20261130000900RankCountyBuckets },
  { name: 'Migration20261130001000_source-record-lean', class: Migration20261130001000SourceRecordLean },
  { name: 'Migration20261201000100_source-record-version', class: Migration20261201000100SourceRecordVersion },
  { name: 'Migration20261201000500_hj212-gateway', class: Migration20261201000500Hj212Gateway },
  { name: 'Migration20261201000600_derive-marks', class: Migration20261201000600DeriveMarks },
  { name: 'Migration20261201094500_rules-as-data', class: Migration20261201094500RulesAsData },
  { name: 'Migration20261201100000_connector-attention', class: Migration20261201100000ConnectorAttention },
  { name: 'Migration20261201110000_supervision-plans', class: Migration20261201110000SupervisionPlans },
  { name: 'Migration20261201113000_entity-resolution', class: Migration20261201113000EntityResolution },
  { name: 'Migration20261201113000_realtime-exceed', class: Migration20261201113000RealtimeExceed },
  { name: 'Migration20261201120000_result-snapshots', class: Migration20261201120000ResultSnapshots },
  { name: 'Migration20261201130000_compact-result-snapshots', class: Migration20261201130000CompactResultSnapshots },
  { name: 'Migration20261201130100_connector-backfill', class: Migration20261201130100ConnectorBackfill },
  { name: 'Migration20261201131500_schedule-jobs', class: Migration20261201131500ScheduleJobs },
  { name: 'Migration20261201132000_monitoring-day-partitioned', class: Migration20261201132000MonitoringDayPartitioned },
  { name: 'Migration20261201133000_key-revocation-notify', class: Migration20261201133000KeyRevocationNotify },
  { name: 'Migration20261201134000_resolution-trgm', class: Migration20261201134000ResolutionTrgm },
  { name: 'Migration20261201140000_supervision-tasks', class: Migration20261201140000SupervisionTasks },
  { name: 'Migration20261201141000_monitoring-source-batches', class: Migration20261201141000MonitoringSourceBatches },
  { name: 'Migration20261201160000_supervision-objections', class: Migration20261201160000SupervisionObjections },
  { name: 'Migration20261201163000_enterprise-registration-no', class: Migration20261201163000EnterpriseRegistrationNo },
  { name: 'Migration20261201170000_monitoring-month-aggregates', class: Migration20261201170000MonitoringMonthAggregates },
  { name: 'Migration20261201171000_enterprise-name-keys', class: Migration20261201171000EnterpriseNameKeys },
  { name: 'Migration20261201172000_monitoring-authority-when', class: Migration20261201172000MonitoringAuthorityWhen },
  { name: 'Migration20261201180000_hj212-packet-indexes', class: Migration20261201180000Hj212PacketIndexes },
  { name: 'Migration20261202010000_monitoring-month-fillfactor', class: Migration20261202010000MonitoringMonthFillfactor },
  { name: 'Migration20261202020000_monitoring-outlet-aggregates', class: Migration20261202020000MonitoringOutletAggregates },
  { name: 'Migration20261202030000_enterprise-tag-ids', class: Migration20261202030000EnterpriseTagIds },
  { name: 'Migration20261202040000_monitoring-deferred-fold', class: Migration20261202040000MonitoringDeferredFold },
  { name: 'Migration20261202060000_monitoring-day-covering', class: Migration20261202060000MonitoringDayCovering },
  { name: 'Migration20261202070000_ordering-index-tags', class: Migration20261202070000OrderingIndexTags },
];
