require('/work/main/node_modules/reflect-metadata');
const { loadConfig } = require('/work/main/dist/src/config/config');
const { openDatabase } = require('/work/main/dist/src/db/database');
(async () => {
  const t = Date.now();
  const db = await openDatabase(loadConfig({ HUB_DATA_DIR: '/tmp/hubsmoke' }), { log: (l) => console.log('pg:', l.slice(0,100)) });
  console.log('open', Date.now() - t, db.url);
  console.log((await db.pool.query('select count(*) , version() from division')).rows);
  await db.close();
})().catch((e) => { console.error(e); process.exit(1); });
