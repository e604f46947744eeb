// The JavaScript reference's SQLite connectors on a file, for the layout tests:
//   node --preserve-symlinks --preserve-symlinks-main sqlite-file.mjs <file> <depth> '<changes>'
// applies the changes (a JSON array of [address, atom], null atom = delete) through a reference
// synclet on the file, then prints one JSON line: {"data": ..., "meta": ...} as the reference reads them.
import sqlite3 from 'sqlite3';
import {createSynclet, sqlite3 as connectors} from './synclets-reference.mjs';

const [file, depthText, changesText = '[]'] = process.argv.slice(2);
const depth = Number(depthText);
const database = new sqlite3.Database(file);
const synclet = await createSynclet({
  dataConnector: connectors.createSqlite3DataConnector({depth, database}),
  metaConnector: connectors.createSqlite3MetaConnector({depth, database}),
}, {}, {id: 'javascript'});
await synclet.start();
for (const [address, atom] of JSON.parse(changesText)) {
  if (atom === null) await synclet.delAtom(address);
  else await synclet.setAtom(address, atom);
}
console.log(JSON.stringify({data: await synclet.getData(), meta: await synclet.getMeta()}));
await synclet.destroy();
database.close();
