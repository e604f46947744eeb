// A JavaScript peer on the standard WebSocket API, the carrier JavaScript Synclets' WebSocket
// transport uses (createWsTransport(new WebSocket(url))). The test drives it line by line:
//   stdin  "send <packet>"  sends one text frame;
//   stdout "open", then "recv <packet>" for every text frame that arrives, "closed <code>" at the end.
import {createInterface} from 'node:readline';

const socket = new WebSocket(process.argv[2]);
socket.addEventListener('open', () => console.log('open'));
socket.addEventListener('message', (event) => console.log('recv ' + event.data));
socket.addEventListener('close', (event) => {
  console.log('closed ' + event.code);
  process.exit(0);
});
socket.addEventListener('error', () => console.log('error'));

createInterface({input: process.stdin})
  .on('line', (line) => {
    if (line.startsWith('send ')) {
      socket.send(line.slice(5));
    }
  })
  .on('close', () => socket.close(1000, 'done'));
