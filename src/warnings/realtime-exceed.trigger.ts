import type { WarningDetectionService } from './warning-detection.service';

/** Hourly values just committed: the enterprises whose REALTIME_EXCEED condition may have changed. */
export interface HoursCommitted {
  creditCode: string;
}

/**
 * Runs the REALTIME_EXCEED detector over the enterprises whose hourly values a commit of the
 * HJ 212 gateway wrote, within moments of the commit. Commits arriving while a pass runs are
 * gathered into the next pass (one pass in flight per process), so a burst of hourly packets
 * costs a few passes, not one per packet. The pass opens warnings like every detection pass
 * (deduplicated by condition, webhook deliveries queued, NOTIFY to every replica's subscribers).
 */
export class RealtimeExceedTrigger {
  private pending = new Set<string>();
  private running: Promise<void> | null = null;

  constructor(
    private readonly detection: Pick<WarningDetectionService, 'detect'>,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  /** Listener for `Hj212Services.onHoursWritten`. */
  readonly onHours = (hours: readonly HoursCommitted[]): void => {
    for (const h of hours) this.pending.add(h.creditCode);
    if (!this.running) this.running = this.drain();
  };

  /** Resolves when every pass asked for so far has run. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.size > 0) {
        const codes = [...this.pending];
        this.pending = new Set();
        try {
          const s = await this.detection.detect({ targets: { kind: 'codes', codes }, types: ['REALTIME_EXCEED'] });
          if (s.raised.length) this.log(`warnings: ${s.raised.length} REALTIME_EXCEED raised over ${codes.length} enterprises`);
        } catch (e) {
          this.log(`warnings: REALTIME_EXCEED pass failed: ${(e as Error).message}`);
        }
      }
    } finally {
      this.running = null;
    }
  }
}
