import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Search finds what people type. PostgreSQL's text parser reads `ORD-777`
 * as the word `ord` and the number `-777`, and an e-mail address as one
 * word, so neither the tail of a code nor part of an address matched; ё and
 * е were different letters; the phone was not searched at all. The search
 * vector is now built from normalised text (`search_text`): lower case, ё
 * as е, hyphens and the punctuation of addresses as spaces, hyphenated
 * codes also joined (`ord777`), and the customer's phone as its digits and
 * its last ten digits (a Russian number with +7 or 8). The query side
 * (`toSearchQuery` in complaint.queries.ts) normalises the same way.
 */
export class SearchNormalised1764470000000 implements MigrationInterface {
  name = 'SearchNormalised1764470000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION search_text(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT translate(lower(coalesce(t, '')), 'ё-@._/', 'е     ')
      $$;
      CREATE FUNCTION search_code(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT replace(lower(coalesce(t, '')), '-', '')
      $$;
      CREATE FUNCTION search_phone(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE WHEN d = '' THEN '' ELSE d || ' ' || right(d, 10) END
          FROM (SELECT regexp_replace(coalesce(t, ''), '[^0-9]', '', 'g') AS d) digits
      $$;
      DROP INDEX complaints_search;
      ALTER TABLE complaints DROP COLUMN search;
      ALTER TABLE complaints ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig,
        search_text(number || ' ' || subject || ' ' || customer_name || ' ' || coalesce(customer_email, '') || ' '
          || coalesce(product, '') || ' ' || coalesce(order_ref, '') || ' ' || description)
        || ' ' || search_code(number) || ' ' || search_code(product) || ' ' || search_code(order_ref)
        || ' ' || search_phone(customer_phone))) STORED;
      CREATE INDEX complaints_search ON complaints USING gin (search);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX complaints_search;
      ALTER TABLE complaints DROP COLUMN search;
      ALTER TABLE complaints ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig,
        number || ' ' || subject || ' ' || customer_name || ' ' || coalesce(product, '') || ' '
        || coalesce(order_ref, '') || ' ' || description)) STORED;
      CREATE INDEX complaints_search ON complaints USING gin (search);
      DROP FUNCTION search_phone(text);
      DROP FUNCTION search_code(text);
      DROP FUNCTION search_text(text);
    `);
  }
}
