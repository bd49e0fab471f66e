import { Migration } from '@mikro-orm/migrations';

/**
 * Fewer index entries per HJ 212 packet (issue 17, the gateway's tail): every stored packet wrote
 * five B-tree entries, and on a busy gateway their WAL (full-page images after each checkpoint
 * most of all) makes checkpoints come sooner, whose I/O stalls the commits the DAUs wait for.
 *
 * - `hj212_packet_qn_idx (mn, qn)` goes: a packet with a `QN` has `repeat_key` = `Q` + `QN`, so the
 *   repeat check reads the unique `(mn, repeat_key, received_on)` index instead.
 * - `hj212_packet_status_idx (status, mn)` becomes `(mn) where status <> 'ACCEPTED'`: it serves the
 *   binding's look-up of what an MN sent unbound, and accepted packets (nearly all) no longer enter it.
 */
export class Migration20261201180000Hj212PacketIndexes extends Migration {
  override async up(): Promise<void> {
    this.addSql(`drop index if exists hj212_packet_qn_idx`);
    this.addSql(`drop index if exists hj212_packet_status_idx`);
    this.addSql(`create index hj212_packet_not_accepted_idx on hj212_packet (mn) where status <> 'ACCEPTED'`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists hj212_packet_not_accepted_idx`);
    this.addSql(`create index hj212_packet_status_idx on hj212_packet (status, mn)`);
    this.addSql(`create index hj212_packet_qn_idx on hj212_packet (mn, qn)`);
  }
}
