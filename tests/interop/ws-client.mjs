// A JavaScript reference synclet (memory connectors) on the reference's WebSocket client
// transport, driven line by line for the network interop tests:
//   node --preserve-symlinks --preserve-symlinks-main ws-client.mjs <url> <depth>
//   stdin  {"set": [address, atom]} | {"del": address} | {"data": true}
//   stdout "ready", {"changed": address} whenever an atom arrives from a peer, {"data": ...} when asked,
//          {"warn": "..."} for every warning the reference logs.
import {createInterface} from 'node:readline';
import WebSocket from 'ws';
import {createSynclet, memory, ws} from './synclets-reference.mjs';

const [url, depthText] = process.argv.slice(2);
const depth = Number(depthText);
const say = (line) => process.stdout.write(JSON.stringify(line) + '\n');
const synclet = await createSynclet({
  dataConnector: memory.createMemoryDataConnector({depth}),
  metaConnector: memory.createMemoryMetaConnector({depth}),
  transport: ws.createWsClientTransport({webSocket: new WebSocket(url)}),
}, {
  onSetAtom: (address) => say({changed: address}),
}, {id: 'javascript', logger: {warn: (text) => say({warn: text})}});
await synclet.start();
say('ready');
createInterface({input: process.stdin})
  .on('line', async (line) => {
    const command = JSON.parse(line);
    if (command.set) await synclet.setAtom(...command.set);
    else if (command.del) await synclet.delAtom(command.del);
    else if (command.data) say({data: await synclet.getData()});
  })
  .on('close', async () => {
    await synclet.destroy();
    process.exit(0);
  });
