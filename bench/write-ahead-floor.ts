/**
 * The write-ahead floor: the least that any recorder built like ours costs a keystroke on this
 * machine. A relay in Node (`FLOOR_RELAY`) sends each key over a WebSocket to a thread that
 * commits it to SQLite (WAL, `synchronous = FULL`: one fsync) before acknowledging it, and only
 * then writes it to the shell's terminal; the shell's output goes back to the client and to the
 * thread, which stores it with the next key or once 64 KiB have come. No certificate, no session,
 * no sealing, no digests, no log: what is left is the processes, the hand-offs between them and
 * the commits that recording needs. The benchmark types the same keys and runs the same `cat`
 * through it as through the recorder.
 */
import { DatabaseSync } from 'node:sqlite';
import { once } from 'node:events';
import { join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { WebSocketServer, type WebSocket } from 'ws';

/** The relay's script: `node FLOOR_RELAY COMMAND`, with FLOOR_URL in its environment. */
export const FLOOR_RELAY = new URL('./write-ahead-relay.ts', import.meta.url).pathname;

/**
 * The floor's frames: type ‖ seq (4 bytes) ‖ data, as the recorder's channel frames them, but
 * without loading the protocol's schemas: the relay's start is part of its `cat`.
 */
export const FLOOR_FRAME = { input: 1, output: 2, ack: 4 } as const;
const STORE_BYTES = 64 * 1024;

export function floorFrame(type: number, seq: number, data: Uint8Array = new Uint8Array()): Buffer {
  const frame = Buffer.allocUnsafe(5 + data.length);
  frame[0] = type;
  frame.writeUInt32BE(seq, 1);
  frame.set(data, 5);
  return frame;
}

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
    let held: Buffer[] = [];
    let heldBytes = 0;
    const store = (frames: Buffer[]) => {
      db.exec('BEGIN IMMEDIATE');
      for (const frame of frames) insert.run(frame[0]!, frame);
      db.exec('COMMIT');
    };
    socket.on('message', (frame: Buffer) => {
      if (frame[0] === FLOOR_FRAME.input) {
        store([...held, frame]);
        held = [];
        heldBytes = 0;
        socket.send(floorFrame(FLOOR_FRAME.ack, frame.readUInt32BE(1)));
        return;
      }
      held.push(frame);
      heldBytes += frame.length;
      if (heldBytes < STORE_BYTES) return;
      store(held);
      held = [];
      heldBytes = 0;
    });
  });
  server.on('listening', () => {
    parentPort!.postMessage((server.address() as { port: number }).port);
  });
}

// The benchmark's server thread imports this module too: only the floor's thread serves.
const floorDir = (workerData as { floorDir?: string } | null)?.floorDir;
if (!isMainThread && floorDir) serve(floorDir);
