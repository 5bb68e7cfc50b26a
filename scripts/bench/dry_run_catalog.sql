-- dry_run on a large catalog (run after ../shared/bench/big_schema.sql: 10,000 tables): a
-- migration of catalog-only statements, where observing each statement costs the most relative
-- to running it, against the same statements run plainly in a transaction that is rolled back.
-- Median of 7 each (see compare_to_plain.sql); the catalog size is printed first.
\set ON_ERROR_STOP on
CREATE TEMP TABLE bench_migration (statement_no int, sql text);
INSERT INTO bench_migration VALUES
  (1, 'ALTER TABLE bench_3.entity_1 ADD COLUMN bench_note text'),
  (2, 'CREATE INDEX bench_note_idx ON bench_3.entity_1 (bench_note)'),
  (3, 'ALTER TABLE bench_3.entity_1 ADD COLUMN bench_n int'),
  (4, 'COMMENT ON TABLE bench_3.entity_1 IS ''benchmark'''),
  (5, 'ALTER TABLE bench_3.entity_1 DROP COLUMN bench_n'),
  (6, 'CREATE TABLE bench_3.bench_new (id int PRIMARY KEY, entity_id int REFERENCES bench_3.entity_1)'),
  (7, 'DROP TABLE bench_3.bench_new');

SELECT count(*) AS catalog_relations FROM pg_class;
\set runs 7
\set method 'SELECT count(*) FROM confiture.dry_run(%2$L) HAVING count(*) FILTER (WHERE status <> ''ok'') = 0'
\set label 'confiture.dry_run'
\ir compare_to_plain.sql
