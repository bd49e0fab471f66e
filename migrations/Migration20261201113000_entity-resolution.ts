import { Migration } from '@mikro-orm/migrations';

/**
 * Entity resolution (issue 20; `shared/spec/entity-resolution.md`): where the hub
 * records which enterprise a source record names, how it knew, and what waits for
 * a steward. Not yet written by ingest.
 *
 * - `entity_link`: one row per source record (connector, source id) that names its
 *   enterprise without a valid credit code of its own, or whose link a steward made:
 *   the credit code, the key that made the link (`ORG_CODE`, `PERMIT_NO`,
 *   `REGISTRATION_NO`, `SIMILARITY`, `STEWARD`; records with a valid credit code need
 *   no row), its probability (1 for deterministic keys), and the source identity
 *   (`identity_key`: the standardised name and county, or the identifier, it was
 *   resolved from) so that later records of the same identity follow the decision.
 * - `resolution_queue`: records in the review band, with their best candidates and
 *   why each scored as it did; one open entry per record. `division_code` is the
 *   county the record was blocked by (null when the source names none), the column
 *   the jurisdiction predicate reads.
 * - `resolution_decision`: a steward's decision for a source identity — the
 *   enterprise it names, or the candidates rejected — applied to later records.
 */
export class Migration20261201113000EntityResolution extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table entity_link (
      connector_id text not null,
      source_id text not null,
      identity_key text not null,
      credit_code text not null check (length(credit_code) = 18),
      key text not null check (key in ('ORG_CODE', 'PERMIT_NO', 'REGISTRATION_NO', 'SIMILARITY', 'STEWARD')),
      probability double precision not null check (probability > 0 and probability <= 1),
      reasons jsonb,
      decided_by text,
      linked_at timestamptz not null default now(),
      primary key (connector_id, source_id),
      check ((key = 'STEWARD') = (decided_by is not null))
    )`);
    this.addSql(`create index entity_link_credit_code_idx on entity_link (credit_code)`);
    this.addSql(`create index entity_link_identity_idx on entity_link (connector_id, identity_key)`);

    this.addSql(`create table resolution_queue (
      id bigint generated always as identity primary key,
      connector_id text not null,
      source_id text not null,
      identity_key text not null,
      division_code text references division (code),
      payload jsonb not null,
      best_probability double precision not null check (best_probability >= 0 and best_probability <= 1),
      candidates jsonb not null default '[]' check (jsonb_typeof(candidates) = 'array'),
      status text not null default 'OPEN' check (status in ('OPEN', 'LINKED', 'REJECTED')),
      credit_code text check (credit_code is null or length(credit_code) = 18),
      decided_by text,
      received_at timestamptz not null default now(),
      decided_at timestamptz,
      check ((status = 'OPEN') = (decided_at is null)),
      check ((status = 'LINKED') = (credit_code is not null))
    )`);
    this.addSql(`create unique index resolution_queue_open_idx on resolution_queue (connector_id, source_id) where status = 'OPEN'`);
    this.addSql(`create index resolution_queue_division_idx on resolution_queue (division_code, id) where status = 'OPEN'`);

    this.addSql(`create table resolution_decision (
      connector_id text not null,
      identity_key text not null,
      credit_code text check (credit_code is null or length(credit_code) = 18),
      rejected_codes text[] not null default '{}',
      decided_by text not null,
      decided_at timestamptz not null default now(),
      primary key (connector_id, identity_key),
      check (credit_code is not null or cardinality(rejected_codes) > 0)
    )`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table resolution_decision`);
    this.addSql(`drop table resolution_queue`);
    this.addSql(`drop table entity_link`);
  }
}
