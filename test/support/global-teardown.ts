import fs from 'node:fs';
import { Client } from 'pg';

/** Drops the template database and stops the embedded server, if one was started. */
export default async function globalTeardown(): Promise<void> {
  const serverUrl = process.env.HUB_TEST_SERVER_URL;
  const template = process.env.HUB_TEST_TEMPLATE;
  if (serverUrl && template) {
    const admin = new Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`drop database if exists "${template}" with (force)`).catch(() => undefined);
    await admin.end();
  }
  const embedded = (globalThis as Record<string, any>).__hubEmbedded;
  if (embedded) await embedded.stop();
  if (process.env.HUB_TEST_EMBEDDED_DIR) fs.rmSync(process.env.HUB_TEST_EMBEDDED_DIR, { recursive: true, force: true });
}
