// The JavaScript reference's own WebSocket broker (the ws package's server), for .NET clients:
//   node --preserve-symlinks --preserve-symlinks-main ws-broker.mjs <depth> [store]
// prints "listening <port>"; with "store", the broker keeps a reference synclet of its own (memory
// connectors) under the server id, as a store room does. Ends when its standard input closes.
import {WebSocketServer} from 'ws';
import {createSynclet, memory, ws} from './synclets-reference.mjs';

const [depthText, store] = process.argv.slice(2);
const depth = Number(depthText);
const webSocketServer = new WebSocketServer({host: '127.0.0.1', port: 0});
const transport = ws.createWsBrokerTransport({webSocketServer});
const synclet = await createSynclet(store === 'store' ? {
  dataConnector: memory.createMemoryDataConnector({depth}),
  metaConnector: memory.createMemoryMetaConnector({depth}),
  transport,
} : {transport}, {}, {id: 'broker'});
await synclet.start();
let announced = false;
const announce = () => {
  if (!announced && webSocketServer.address()) {
    announced = true;
    console.log(`listening ${webSocketServer.address().port}`);
  }
};
webSocketServer.on('listening', announce);
announce();
process.stdin.on('end', async () => {
  await synclet.destroy();
  webSocketServer.close();
  process.exit(0);
}).resume();
