/**
 * The relay of the write-ahead floor (write-ahead-floor.ts): `node write-ahead-relay.ts COMMAND`
 * in a terminal, FLOOR_URL in its environment. The terminal is set up as the recorder sets up
 * the client's (raw, without output processing); a key reaches the command's terminal only
 * once the floor's thread has stored it, and is written to it as the recorder writes it. Output
 * that the thread has not taken beyond 1 MiB pauses the command, as the recorder's does.
 */
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import pty from '@lydell/node-pty';
import { WebSocket } from 'ws';
import { TerminalInput } from '../apps/agent/src/terminal-input.ts';
import { FLOOR_FRAME, floorFrame } from './write-ahead-floor.ts';

const SEND_HIGH = 1024 * 1024;
const [command = 'cat'] = process.argv.slice(2);
const socket = new WebSocket(process.env.FLOOR_URL ?? 'ws://127.0.0.1:1');
await once(socket, 'open');

const shell = pty.spawn('/bin/sh', ['-c', command], {
  name: process.env.TERM ?? 'xterm',
  cols: process.stdout.columns || 80,
  rows: process.stdout.rows || 24,
  env: process.env,
  encoding: null,
});
process.stdin.setRawMode(true);
spawnSync('stty', ['-opost'], { stdio: ['inherit', 'ignore', 'ignore'] });
const input = new TerminalInput(shell, () => undefined);

const pending = new Map<number, Buffer>();
let seq = 0;
process.stdin.on('data', (data: Buffer) => {
  pending.set(seq, data);
  socket.send(floorFrame(FLOOR_FRAME.input, seq++, data));
});
socket.on('message', (ack: Buffer) => {
  const seq = ack.readUInt32BE(1);
  const data = pending.get(seq);
  pending.delete(seq);
  if (data) input.write(data);
});
let paused = false;
shell.onData((data) => {
  const bytes = data as unknown as Buffer;
  process.stdout.write(bytes);
  socket.send(floorFrame(FLOOR_FRAME.output, 0, bytes), () => {
    if (paused && socket.bufferedAmount <= SEND_HIGH / 2) {
      paused = false;
      shell.resume();
    }
  });
  if (!paused && socket.bufferedAmount > SEND_HIGH) {
    paused = true;
    shell.pause();
  }
});
shell.onExit(({ exitCode }) => {
  process.stdin.setRawMode(false);
  socket.close();
  process.exit(exitCode);
});
