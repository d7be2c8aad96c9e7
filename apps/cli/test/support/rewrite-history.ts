import { decodeStatement, encodeStatement, isStatementProblem } from '@allmende/protocol';
import { leafHash, tilesForSize, treeHash } from '@allmende/tlog';
import { openDatabase } from '../../../server/src/db/database.ts';
import type { TestStore } from '../../../server/test/harness.ts';

/**
 * What an operator with the log key could do behind the members' backs: change entry `index`
 * in the database, recompute every tile so that the tree is whole again, and drop the signed
 * checkpoints, so that the server signs the new tree as if it had always been so.
 */
export async function rewriteHistory(store: TestStore, index: number, text: string): Promise<void> {
  const database = await openDatabase(store);
  try {
    const db = database.db;
    const rows = await db
      .selectFrom('log_entries')
      .select(['idx', 'entry'])
      .orderBy('idx')
      .execute();
    const entries: Uint8Array[] = rows.map((row) => new Uint8Array(row.entry));
    const statement = decodeStatement(entries[index]!);
    if (isStatementProblem(statement) || statement.type !== 'notice') {
      throw new Error(`entry ${index} is no notice`);
    }
    const bytes = encodeStatement({ ...statement, body: { text } });
    if (isStatementProblem(bytes)) throw new Error(bytes.message);
    entries[index] = bytes;
    const leaves = entries.map(leafHash);
    const tiles = tilesForSize(entries.length).map((tile) => {
      const span = 256 ** tile.level;
      const hashes: Uint8Array[] = [];
      for (let i = 0; i < tile.width; i++) {
        const first = (tile.index * 256 + i) * span;
        hashes.push(treeHash(leaves.slice(first, first + span)));
      }
      return { level: tile.level, tile_index: tile.index, hashes: Buffer.concat(hashes) };
    });
    await db.transaction().execute(async (trx) => {
      await trx.updateTable('log_entries').set({ entry: bytes }).where('idx', '=', index).execute();
      await trx.deleteFrom('log_tiles').execute();
      await trx.insertInto('log_tiles').values(tiles).execute();
      await trx.deleteFrom('log_checkpoints').execute();
    });
  } finally {
    await database.close();
  }
}
