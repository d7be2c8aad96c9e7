import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { Dialect } from '../database.ts';

/**
 * PostgreSQL: ranking a word found in 5 % of tickets read the vector of every match, some 4,300
 * pages of each search table, more than Debian's default shared_buffers holds (bench/README.md).
 * GIN knows which rows contain a word, not how well: these indexes add that, for one word.
 *
 * `search_tiers(vector)` names, for each lexeme of a vector, the tiers it reaches: `t` if it
 * carries a weight above D (a title), `3` and `2` if it occurs at least three or two times. For a
 * query of one plain lexeme, ts_rank with its default weights and normalization depends only on
 * that lexeme's positions, and every row of a tier outranks every row below it: a title hit
 * ranks at least 1/1.645 (0.61), a text-only hit 0.1 · Σ 1/j² over its n occurrences / 1.645
 * (0.061, 0.076, 0.083 … below 0.1), which grows with n. So the best rows of a tier that holds
 * at least `limit` visible rows are the best of all matches (search.repo.ts, `tiered`).
 *
 * `search_tier_query(query, tiers)` is the query for the rows in any of `tiers` (`'t3'`: title or
 * three times), or NULL where the query is not one plain lexeme. Lexemes longer than 2,000 bytes
 * get no tier (a lexeme may have 2,047) and a query for one is never tiered.
 *
 * SQLite ranks from FTS5's own index, which holds the positions: nothing to do.
 */
export function searchTiersMigration(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect !== 'postgres') return;
      for (const statement of POSTGRES) await sql.raw(statement).execute(db);
    },
  };
}

const POSTGRES = [
  // One pass over the lexemes, no row per token: 17 µs a ticket's vector (three rows per
  // lexeme, joined, took 64).
  `CREATE FUNCTION search_tiers(vector tsvector) RETURNS tsvector
     LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
     SELECT array_to_tsvector(
       coalesce(array_agg('t ' || v.lexeme) FILTER (WHERE v.weights && '{A,B,C}'::text[]), '{}')
       || coalesce(array_agg('3 ' || v.lexeme) FILTER (WHERE cardinality(v.positions) >= 3), '{}')
       || coalesce(array_agg('2 ' || v.lexeme) FILTER (WHERE cardinality(v.positions) >= 2), '{}'))
     FROM unnest(vector) AS v WHERE octet_length(v.lexeme) <= 2000
   $$`,
  // A lone lexeme prints as 'text' with quotes and backslashes doubled: the tier's token is
  // that text with the tier's prefix inside the opening quote, parsed back.
  `CREATE FUNCTION search_tier_query(query tsquery, tiers text) RETURNS tsquery
     LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
     SELECT string_agg('''' || tier || ' ' || substr(query::text, 2), ' | ')::tsquery
     FROM unnest(string_to_array(tiers, NULL)) AS tier
     WHERE numnode(query) = 1 AND query::text ~ '^''.*''$' AND octet_length(query::text) <= 2002
   $$`,
  'CREATE INDEX search_tickets_tiers ON search_tickets USING gin (search_tiers(vector))',
  'CREATE INDEX search_comments_tiers ON search_comments USING gin (search_tiers(vector))',
  'CREATE INDEX search_pages_tiers ON search_pages USING gin (search_tiers(vector))',
];
