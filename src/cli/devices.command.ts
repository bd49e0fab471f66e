import fs from 'node:fs';
import { withHub } from '../app/hub-runtime';
import type { MonitoringDeviceBinding } from '../gateway/monitoring-device.store';

/**
 * `hub devices bind --file F`: binds the DAUs listed in a JSON file (an array of
 * `{ mn, creditCode, outletCode, password, limits: [{ pollutantCode, limit, unit }] }`, as
 * `hub dau-sim --print-bindings` writes it) and takes in what they already sent;
 * `hub devices list [--unbound | --bound]`: bound devices and unbound senders.
 */
export async function runDevicesCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'bind') {
    const at = rest.indexOf('--file');
    const file = at >= 0 ? rest[at + 1] : undefined;
    if (!file) throw new Error('hub devices bind needs --file F (a JSON array of bindings)');
    const bindings = JSON.parse(fs.readFileSync(file, 'utf8')) as MonitoringDeviceBinding[];
    if (!Array.isArray(bindings)) throw new Error(`${file} must hold a JSON array of bindings`);
    return withHub(async (hub) => {
      let bound = 0;
      let packets = 0;
      const failed: string[] = [];
      for (const b of bindings) {
        try {
          const r = await hub.services.hj212.devices.bind(null, b, 'cli');
          bound++;
          packets += r.packetsAccepted;
        } catch (e) {
          failed.push(`${b?.mn ?? '?'}: ${(e as Error).message}`);
        }
      }
      console.log(`bound ${bound} of ${bindings.length} device(s); took in ${packets} packet(s) they had sent unbound`);
      for (const f of failed) console.log(`  not bound: ${f}`);
      return failed.length ? 1 : 0;
    });
  }
  if (sub === 'list') {
    const bound = rest.includes('--unbound') ? false : rest.includes('--bound') ? true : null;
    return withHub(async (hub) => {
      const rows = await hub.services.hj212.devices.list(null, bound);
      for (const d of rows) {
        const where = d.bound ? `${d.creditCode} ${d.outletCode}` : 'UNBOUND';
        console.log(
          `${d.mn.padEnd(24)} ${where.padEnd(26)} packets ${String(d.packets).padStart(8)}  last ${d.lastPacketAt ? d.lastPacketAt.toISOString() : 'never'}`,
        );
      }
      console.log(`${rows.length} device(s)`);
      return 0;
    });
  }
  throw new Error(`unknown devices subcommand '${sub ?? ''}'; use bind --file F or list [--bound|--unbound]`);
}
