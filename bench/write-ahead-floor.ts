/**
 * The write-ahead floor: the least that any recorder built like ours costs a keystroke on this
 * machine. A relay in Node (`FLOOR_RELAY`) sends each key over a WebSocket to a thread that
 * commits it to SQLite (WAL, `synchronous = FULL`: one fsync) before acknowledging it, and only
 * then writes it to the shell's terminal; the shell's output goes back to the client and to the
 * thread, which stores it with the next key. No certificate, no session, no sealing, no digests,
 * no log: what is left is the processes, the hand-offs between them and the commit that
 * write-ahead needs. The benchmark types the same keys through it as through the recorder.
 */
import { DatabaseSync } from 'node:sqlite';
import { once } from 'node:events';
import { join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { encodeFrame, FRAME } from '@allmende/protocol';
import { WebSocketServer, type WebSocket } from 'ws';

/** The relay's script: `node FLOOR_RELAY COMMAND`, with FLOOR_URL in its environment. */
export const FLOOR_RELAY = new URL('./write-ahead-relay.ts', import.meta.url).pathname;

export type FloorServer = { url: string; close(): Promise<void> };

/** Starts the storing end in a thread of its own, as the benchmark's server runs in one. */
export async function startFloorServer(dir: string): Promise<FloorServer> {
  const worker = new Worker(new URL(import.meta.url), { workerData: { floorDir: dir } });
  const [port] = (await once(worker, 'message')) as [number];
  return {
    url: `ws://127.0.0.1:${port}`,
    close: async () => {
      await worker.terminate();
    },
  };
}

function serve(dir: string): void {
  const db = new DatabaseSync(join(dir, 'floor.db'));
  // As the server's own database (apps/server/src/db/database.ts).
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;');
  db.exec('CREATE TABLE records (id INTEGER PRIMARY KEY, type INTEGER, data BLOB)');
  const insert = db.prepare('INSERT INTO records (type, data) VALUES (?, ?)');
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  server.on('connection', (socket: WebSocket) => {
    let output: Buffer[] = [];
    socket.on('message', (frame: Buffer) => {
      if (frame[0] !== FRAME.input) {
        output.push(frame);
        return;
      }
      db.exec('BEGIN IMMEDIATE');
      for (const record of output) insert.run(record[0]!, record);
      insert.run(FRAME.input, frame);
      db.exec('COMMIT');
      output = [];
      socket.send(encodeFrame(FRAME.ack, frame.readUInt32BE(1)));
    });
  });
  server.on('listening', () => {
    parentPort!.postMessage((server.address() as { port: number }).port);
  });
}

// The benchmark's server thread imports this module too: only the floor's thread serves.
const floorDir = (workerData as { floorDir?: string } | null)?.floorDir;
if (!isMainThread && floorDir) serve(floorDir);
