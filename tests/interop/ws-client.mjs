// A JavaScript reference synclet on the reference's WebSocket client transport, driven line by
// line for the network interop tests:
//   node --preserve-symlinks --preserve-symlinks-main ws-client.mjs <url|offline> <depth> [connector]
// connector: memory (the default) | sqlite3:<file> | file:<folder> | directory:<folder> | tinybase
// (depth 3, TinyBase tables and values) | pglite (in memory). With "offline" there is no transport:
// what is set stays in the connectors (the persistent ones keep it for the next run).
//   stdin  {"set": [address, atom]} | {"del": address} | {"data": true} | {"meta": true} |
//          {"codes": address}; a set or a delete may name a "probe" address (see below)
//   stdout "ready"; {"changed": address} whenever an atom is written (its own or a peer's);
//          {"data": ...}, {"meta": ...} or {"codes": [the UTF-16 code units of a string atom]}
//          when asked; {"done": n, "stamp": timestamp} after the n-th command was carried out (the
//          timestamp the address holds right after a set or a delete); {"warn": "..."} for every
//          warning the reference logs.
import {mkdirSync} from 'node:fs';
import {join} from 'node:path';
import {createInterface} from 'node:readline';
import WebSocket from 'ws';
import * as reference from './synclets-reference.mjs';

const {createSynclet, memory, ws} = reference;
const [url, depthText, connector = 'memory'] = process.argv.slice(2);
const depth = Number(depthText);
const say = (line) => process.stdout.write(JSON.stringify(line) + '\n');
const [kind, where] = [connector.split(':')[0], connector.slice(connector.indexOf(':') + 1)];

const connectors = async () => {
  switch (kind) {
    case 'memory':
      return {
        dataConnector: memory.createMemoryDataConnector({depth}),
        metaConnector: memory.createMemoryMetaConnector({depth}),
      };
    case 'sqlite3': {
      const {default: sqlite3} = await import('sqlite3');
      const database = new sqlite3.Database(where);
      return {
        dataConnector: reference.sqlite3.createSqlite3DataConnector({depth, database}),
        metaConnector: reference.sqlite3.createSqlite3MetaConnector({depth, database}),
      };
    }
    case 'file':
      mkdirSync(where, {recursive: true});
      return {
        dataConnector: reference.fs.createFileDataConnector({depth, dataFile: join(where, 'data.json')}),
        metaConnector: reference.fs.createFileMetaConnector({depth, metaFile: join(where, 'meta.json')}),
      };
    case 'directory':
      mkdirSync(join(where, 'data'), {recursive: true});
      mkdirSync(join(where, 'meta'), {recursive: true});
      return {
        dataConnector: reference.fs.createDirectoryDataConnector({depth, dataDirectory: join(where, 'data')}),
        metaConnector: reference.fs.createDirectoryMetaConnector({depth, metaDirectory: join(where, 'meta')}),
      };
    case 'tinybase': {
      const {createStore} = await import('tinybase');
      return {
        dataConnector: reference.tinybase.createTinyBaseDataConnector({store: createStore()}),
        metaConnector: memory.createMemoryMetaConnector({depth: 3}),
      };
    }
    case 'pglite': {
      const {PGlite} = await import('@electric-sql/pglite');
      const pglite = new PGlite();
      await pglite.waitReady;
      return {
        dataConnector: reference.pglite.createPgliteDataConnector({depth, pglite}),
        metaConnector: reference.pglite.createPgliteMetaConnector({depth, pglite}),
      };
    }
    default:
      throw new Error(`Unknown connector '${connector}'.`);
  }
};

// The reference queues a set behind whatever it is doing (a received message) and may resolve
// setAtom before it ran; its onSetAtom hook runs once the atom and its timestamp are written.
const waiters = new Map();
const written = (address) => new Promise((resolve) => waiters.set(JSON.stringify(address), resolve));

const synclet = await createSynclet({
  ...(await connectors()),
  ...(url === 'offline' ? {} : {transport: ws.createWsClientTransport({webSocket: new WebSocket(url)})}),
}, {
  onSetAtom: (address) => {
    say({changed: address});
    const key = JSON.stringify(address);
    waiters.get(key)?.();
    waiters.delete(key);
  },
}, {id: 'javascript', logger: {warn: (text) => say({warn: String(text)})}});
await synclet.start();
say('ready');

// An atom given as {"codes": [...]} is the string of those UTF-16 code units (System.Text.Json, on
// the other end, cannot write half a surrogate pair); atoms themselves are never objects.
const text = (atom) => (atom !== null && typeof atom == 'object' ? String.fromCharCode(...atom.codes) : atom);

// Commands run one after another, in the order they came, each finished before the next.
let done = 0;
let queue = Promise.resolve();
createInterface({input: process.stdin})
  .on('line', (line) => {
    queue = queue.then(async () => {
      const command = JSON.parse(line);
      const address = command.set?.[0] ?? command.del;
      // With a probe address, the probe is set to 0 after the change and waited for: the queue
      // runs in order, so the change ran before it even when a peer's write to the same address
      // came between (whose onSetAtom would otherwise be taken for the change's own).
      const awaited = command.probe ?? address;
      const writing = awaited ? written(awaited) : undefined;
      if (command.set) await synclet.setAtom(command.set[0], text(command.set[1]));
      else if (command.del) await synclet.delAtom(command.del);
      else if (command.data) say({data: await synclet.getData()});
      else if (command.meta) say({meta: await synclet.getMeta()});
      else if (command.codes) {
        const value = String(command.codes.reduce((node, id) => node?.[id], await synclet.getData()) ?? '');
        say({codes: Array.from({length: value.length}, (_, i) => value.charCodeAt(i))});
      }
      if (command.probe) await synclet.setAtom(command.probe, 0);
      await writing;
      const stamp = address ? address.reduce((node, id) => node?.[id], await synclet.getMeta()) : undefined;
      say({done: ++done, ...(typeof stamp == 'string' ? {stamp} : {})});
    });
  })
  .on('close', () => {
    queue = queue.then(async () => {
      await synclet.destroy();
      process.exit(0);
    });
  });
