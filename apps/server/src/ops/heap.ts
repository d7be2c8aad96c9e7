import process from 'node:process';
import v8 from 'node:v8';

/**
 * Paces the heap's full collections by the memory actually alive while session output streams
 * through the server.
 *
 * Every recorded byte arrives in Buffers outside V8's heap: the socket's reads and the
 * WebSocket's frames. Node 24's V8 counts each byte of them allocated since the last full
 * collection as if it were heap, against a limit sized for the heap alone. So while a session
 * streamed output, the server marked its whole heap once every 6–7 MB, about fifteen times per
 * recorded 100 MB, on the same two cores as the session (bench/README.md). With external memory
 * accounted in the global limit (V8's newer accounting, behind this flag in V8 13), the limit
 * grows with the Buffers alive, and the same 100 MB takes three or four.
 */
export function paceCollectionsByLiveMemory(): void {
  // A V8 without the flag would print an error for it: it is V8 13's, the one of Node 24.
  if (!process.versions.v8.startsWith('13.')) return;
  v8.setFlagsFromString('--external-memory-accounted-in-global-limit');
}
