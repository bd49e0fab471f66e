import net from 'node:net';
import { findFreePort } from '../src/db/embedded-postgres';
import { Hj212ClientConnection } from '../src/gateway/hj212-client';
import { encodeHj212Packet } from '../src/gateway/hj212-packet';
import { spawnHub } from './support/hub-process';
import { suiteDatabase } from './support/test-database';

/** `hub start` (what `npm start` runs) starts the HJ 212 gateway on HUB_HJ212_PORT, as `hub serve` does, and says on which port. */
describe('hub start and the HJ 212 gateway', () => {
  const tdb = suiteDatabase();

  it('listens on HUB_HJ212_PORT, logs the port, and keeps what an unknown MN sends', async () => {
    const hj212Port = await findFreePort(45000 + Math.floor(Math.random() * 2000));
    const httpPort = await findFreePort(47000 + Math.floor(Math.random() * 2000));
    const hub = spawnHub(['start'], {
      DATABASE_URL: tdb().url,
      HUB_SOURCES_URL: undefined,
      PORT: String(httpPort),
      HUB_DEMO_ENTERPRISES: '20',
      HUB_HJ212_PORT: String(hj212Port),
    });
    try {
      await hub.waitFor(/hub ready in/, 120_000);
      expect(hub.output()).toContain(`hub HJ 212 gateway on tcp port ${hj212Port}`);
      const dau = await Hj212ClientConnection.connect('127.0.0.1', hj212Port);
      const qn = '20261201090000123';
      await dau.write(
        encodeHj212Packet(`QN=${qn};ST=31;CN=2061;PW=123456;MN=LD130133000015;Flag=5;CP=&&DataTime=20261201080000;a21026-Avg=12.5,a21026-Flag=N&&`),
      );
      const [answer] = await dau.waitForAnswers(1);
      expect(answer).toMatchObject({ cn: '9011', qn, mn: 'LD130133000015' });
      expect(answer.items).toEqual([[['QnRtn', '4']]]);
      await dau.close();
      const rows = (await tdb().db.pool.query(`select mn, status from hj212_packet where qn = $1`, [qn])).rows;
      expect(rows).toEqual([{ mn: 'LD130133000015', status: 'UNBOUND' }]);
    } finally {
      hub.child.kill('SIGTERM');
      await hub.exited;
    }
  }, 180_000);

  it('says the gateway port is in use, stops what it started and exits 1 when HUB_HJ212_PORT is taken', async () => {
    const busy = net.createServer();
    const hj212Port = await new Promise<number>((r) => busy.listen(0, '127.0.0.1', () => r((busy.address() as net.AddressInfo).port)));
    try {
      const hub = spawnHub(['serve', '--port', '0'], { DATABASE_URL: tdb().url, HUB_HJ212_PORT: String(hj212Port) });
      expect(await hub.exited).toBe(1);
      expect(hub.output()).toContain(`hub serve: the HJ 212 gateway's port ${hj212Port} is in use`);
      expect(hub.output()).not.toMatch(/\n\s+at /);
    } finally {
      await new Promise((r) => busy.close(r));
    }
  }, 60_000);
});
