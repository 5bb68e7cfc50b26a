-- anonymize_table on 1,000,000 rows with 4 masked columns (e-mail, name, phone, card number),
-- against a plain UPDATE setting the same columns to md5() of themselves, in the same run: both
-- in a transaction rolled back, each after a checkpoint, alternating, median of 3 each.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
CREATE TABLE bench_people (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text NOT NULL,
  full_name text NOT NULL,
  phone text NOT NULL,
  card text NOT NULL
);
INSERT INTO bench_people (email, full_name, phone, card)
SELECT 'user' || g || '@corp.example', 'Given' || g % 5000 || ' Family' || g % 7000,
       '+33 6 ' || lpad((g % 100000000)::text, 8, '0'), '4111 1111 ' || lpad((g % 100000000)::text, 8, '0')
FROM generate_series(1, 1000000) AS g;
VACUUM ANALYZE bench_people;

\o /dev/null
SELECT confiture.set_anonymization_key('benchmark-key-' || md5('confiture'));
SELECT confiture.set_rule('bench_people', 'email', 'mask_email');
SELECT confiture.set_rule('bench_people', 'full_name', 'mask_name');
SELECT confiture.set_rule('bench_people', 'phone', 'mask_phone');
SELECT confiture.set_rule('bench_people', 'card', 'mask_credit_card');
\o

CREATE TEMP TABLE bench_times (method text, ms float8);
CREATE TEMP TABLE bench_clock (started timestamptz);
INSERT INTO bench_clock VALUES (now());
\o /dev/null
SELECT cell
FROM generate_series(1, 3) AS run,
     LATERAL (
       SELECT 0 AS part, 'CHECKPOINT' AS cell
       UNION ALL SELECT 1, 'UPDATE bench_clock SET started = clock_timestamp()'
       UNION ALL SELECT 2, 'BEGIN'
       UNION ALL SELECT 3, 'UPDATE bench_people SET email = md5(email), full_name = md5(full_name), '
                           'phone = md5(phone), card = md5(card)'
       UNION ALL SELECT 4, 'ROLLBACK'
       UNION ALL SELECT 5, 'INSERT INTO bench_times SELECT ''plain UPDATE to md5()'', '
                           '1000 * extract(epoch FROM clock_timestamp() - started) FROM bench_clock'
       UNION ALL SELECT 6, 'CHECKPOINT'
       UNION ALL SELECT 7, 'UPDATE bench_clock SET started = clock_timestamp()'
       UNION ALL SELECT 8, 'BEGIN'
       UNION ALL SELECT 9, 'SELECT confiture.anonymize_table(''bench_people'')'
       UNION ALL SELECT 10, 'ROLLBACK'
       UNION ALL SELECT 11, 'INSERT INTO bench_times SELECT ''anonymize_table'', '
                            '1000 * extract(epoch FROM clock_timestamp() - started) FROM bench_clock'
     ) AS cells
ORDER BY run, part \gexec
\o

WITH medians AS (
  SELECT method, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS ms, count(*) AS runs
  FROM bench_times GROUP BY method
)
SELECT method, runs, round(ms::numeric, 1) AS median_ms,
       round(1000000 / (ms / 1000))::bigint AS rows_per_second,
       round((ms / (SELECT ms FROM medians WHERE method = 'plain UPDATE to md5()'))::numeric, 3)
         AS ratio_to_plain
FROM medians ORDER BY method DESC;

DELETE FROM confiture.anonymization_rule;
DELETE FROM confiture.anonymization_key;
DROP TABLE bench_people;
