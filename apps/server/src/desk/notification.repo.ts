import {
  DEFAULT_NOTIFICATION_SETTINGS,
  NotificationSettings,
  type NotificationSettings as Settings,
} from '@allmende/protocol';
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import type { Executor } from './ticket.repo.ts';

/** Members' notification settings, and how far the notifier has read the desk. */
export class NotificationRepository {
  readonly #db: Kysely<Schema>;

  constructor(db: Kysely<Schema>) {
    this.#db = db;
  }

  /** Every member's settings that differ from the defaults. */
  async settings(): Promise<Map<string, Settings>> {
    const rows = await this.#db.selectFrom('desk_notification_settings').selectAll().execute();
    const map = new Map<string, Settings>();
    for (const row of rows) {
      const parsed = NotificationSettings.safeParse(JSON.parse(row.settings));
      map.set(row.handle, parsed.success ? parsed.data : DEFAULT_NOTIFICATION_SETTINGS);
    }
    return map;
  }

  async setSettings(handle: string, settings: Settings): Promise<void> {
    const json = JSON.stringify(settings);
    await this.#db
      .insertInto('desk_notification_settings')
      .values({ handle, settings: json })
      .onConflict((oc) => oc.column('handle').doUpdateSet({ settings: json }))
      .execute();
  }

  async cursor(): Promise<{ ticket: number; item: number }> {
    const row = await this.#db
      .selectFrom('desk_cursor')
      .selectAll()
      .where('id', '=', 1)
      .executeTakeFirst();
    return { ticket: Number(row?.ticket_id ?? 0), item: Number(row?.item_id ?? 0) };
  }

  /** Moves the cursor, and runs `also` (queueing the mail) in the same transaction. */
  async advance(
    cursor: { ticket: number; item: number },
    also: (trx: Executor) => Promise<void>,
  ): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      await trx
        .updateTable('desk_cursor')
        .set({ ticket_id: cursor.ticket, item_id: cursor.item })
        .where('id', '=', 1)
        .execute();
      await also(trx);
    });
  }
}
