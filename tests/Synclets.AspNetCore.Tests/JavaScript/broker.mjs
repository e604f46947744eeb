// A relay-only Synclets broker in JavaScript, written from docs/protocol.md ("Packets and fragments"):
// every connection gets a random id, and a packet "<to> <rest>" from connection S goes, as
// "<S> <rest>", to every other connection when to is "*", else only to connection "to".
// Node.js has no WebSocket server of its own, so the few parts of RFC 6455 a broker needs are
// here: the handshake, and text, continuation, ping and close frames.
import {createServer} from 'node:http';
import {createHash, randomBytes} from 'node:crypto';

const connections = new Map();
const alphabet = '-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz';
const randomId = () => [...randomBytes(16)].map((byte) => alphabet[byte % 64]).join('');

const frame = (opcode, payload) => {
  const length = payload.length;
  const header = length < 126 ? Buffer.from([0x80 | opcode, length])
    : length < 65536 ? Buffer.from([0x80 | opcode, 126, length >> 8, length & 255])
    : Buffer.concat([Buffer.from([0x80 | opcode, 127]), (() => { const size = Buffer.alloc(8); size.writeBigUInt64BE(BigInt(length)); return size; })()]);
  return Buffer.concat([header, payload]);
};

const route = (from, packet) => {
  const space = packet.indexOf(' ');
  if (space <= 0) return;
  const to = packet.slice(0, space);
  const readdressed = from + packet.slice(space);
  for (const [id, send] of connections) {
    if (id !== from && (to === '*' || to === id)) send(readdressed);
  }
};

const server = createServer((request, response) => response.writeHead(426).end());
server.on('upgrade', (request, socket) => {
  const accept = createHash('sha1').update(request.headers['sec-websocket-key'] + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
  const id = randomId();
  connections.set(id, (text) => socket.write(frame(1, Buffer.from(text, 'utf8'))));
  let pending = Buffer.alloc(0);
  let message = [];
  socket.on('data', (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 2) {
      const fin = (pending[0] & 0x80) !== 0;
      const opcode = pending[0] & 0x0f;
      let length = pending[1] & 0x7f;
      let offset = 2;
      if (length === 126) { if (pending.length < 4) return; length = pending.readUInt16BE(2); offset = 4; }
      else if (length === 127) { if (pending.length < 10) return; length = Number(pending.readBigUInt64BE(2)); offset = 10; }
      if (pending.length < offset + 4 + length) return; // Client frames are always masked.
      const mask = pending.subarray(offset, offset + 4);
      const payload = Buffer.from(pending.subarray(offset + 4, offset + 4 + length));
      for (let i = 0; i < payload.length; i++) payload[i] ^= mask[i % 4];
      pending = pending.subarray(offset + 4 + length);
      if (opcode === 8) { socket.end(frame(8, Buffer.alloc(0))); return; }
      if (opcode === 9) { socket.write(frame(10, payload)); continue; }
      if (opcode === 1 || opcode === 0) {
        message.push(payload);
        if (fin) { route(id, Buffer.concat(message).toString('utf8')); message = []; }
      }
    }
  });
  socket.on('close', () => connections.delete(id));
  socket.on('error', () => connections.delete(id));
});
server.listen(0, '127.0.0.1', () => console.log(`listening ${server.address().port}`));
process.stdin.on('end', () => process.exit(0)).resume();
