import { Hj212Gateway } from '../gateway/hj212-gateway.server';
import { maintainHj212Partitions, pruneHj212Hours, PgHj212Store, type Hj212HourWritten } from '../gateway/hj212.store';
import { boundCreditCodes } from '../gateway/monitoring-device.store';
import { MonitoringDeviceService } from '../monitoring/monitoring-device.service';
import type { Database } from '../db/database';
import type { HubConfig } from '../config/config';

/** The HJ 212 side of a hub process: the packet store, the stewards' device service. */
export interface Hj212Services {
  store: PgHj212Store;
  devices: MonitoringDeviceService;
  /** Listeners told of every commit that wrote hourly values (real-time warnings hook in here). */
  onHoursWritten(fn: (hours: Hj212HourWritten[]) => void): void;
  /** Upkeep: today's and the next days' packet partitions, those past the retention dropped; hourly values past theirs deleted. */
  maintain(): Promise<{ dropped: string[]; hoursDeleted: number }>;
  /** Credit codes of the enterprises with a bound device (the targets of the DATA_GAP check of silent devices). */
  boundCreditCodes(): Promise<string[]>;
}

/** Builds the HJ 212 services on an open database. */
export function createHj212Services(config: HubConfig, db: Database, log: (l: string) => void): Hj212Services {
  const listeners: Array<(hours: Hj212HourWritten[]) => void> = [];
  const store = new PgHj212Store(db.pool, { log, onHoursWritten: (hours) => listeners.forEach((fn) => fn(hours)) });
  return {
    store,
    devices: new MonitoringDeviceService(db.pool, db.readPool, store),
    onHoursWritten: (fn) => listeners.push(fn),
    maintain: async () => ({
      dropped: await maintainHj212Partitions(db.pool, { retentionDays: config.hj212RetentionDays }),
      hoursDeleted: await pruneHj212Hours(db.pool, { retentionDays: config.hj212HourRetentionDays }),
    }),
    boundCreditCodes: () => boundCreditCodes(db.pool),
  };
}

/**
 * Starts the HJ 212 gateway of `hub serve` on `port` (after creating the partitions it needs and
 * reading the bound devices into its directory, so a fleet reconnecting at once is not looked up
 * device by device). Resolves with the gateway and the port it listens on.
 */
export async function startHj212Gateway(services: Hj212Services, port: number, log: (l: string) => void): Promise<{ gateway: Hj212Gateway; port: number }> {
  await services.maintain();
  await services.store.preloadDirectory();
  const gateway = new Hj212Gateway({ directory: services.store, sink: services.store, log });
  const bound = await gateway.listen(port);
  return { gateway, port: bound };
}
