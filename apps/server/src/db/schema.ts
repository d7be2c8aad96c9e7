/** The database as Kysely sees it. Integers fit in a JS number (indexes stay below 2^53). */
export type Schema = {
  log_entries: { idx: number; entry: Uint8Array };
  /** The current bytes of every hash tile (C2SP tlog-tiles); only the rightmost per level grows. */
  log_tiles: { level: number; tile_index: number; hashes: Uint8Array };
  log_checkpoints: { size: number; note: string; created_at: string };
};
