-- Anonymization: a key only superusers set, rules checked when declared, masking runs that
-- keep joins working, custom strategies under guard, and a verification.
SELECT name, accepts, unique_safe, options FROM confiture.masking_strategies() ORDER BY name;

-- Without a key nothing is masked.
SELECT confiture.mask_email('alice@example.org');
SELECT confiture.set_anonymization_key('too short');
SELECT confiture.set_anonymization_key('regress-key-0123456789abcdef');

-- Every strategy, deterministic for the key: the same input masks alike everywhere.
SELECT confiture.mask_hash('alice@example.org') AS hash,
       confiture.mask_hash('alice@example.org', 8) AS short_hash,
       confiture.mask_email('alice@example.org') AS email,
       confiture.mask_email('alice@example.org', keep_domain => true) AS email_keeping_domain;
SELECT confiture.mask_name('Alice Martin') AS name, confiture.mask_phone('+33 6 12 34 56 78') AS phone,
       confiture.mask_credit_card('4111-1111-1111-1111') AS card,
       confiture.mask_partial('FR7630006000011234567890189', 4, 3) AS partial,
       confiture.mask_redact('diagnosis') AS redacted;
SELECT confiture.mask_date_shift(date '1984-06-01') AS born,
       confiture.mask_date_shift(timestamptz '2026-03-01 09:30:00+00', 7) AS seen_at,
       confiture.mask_noise(1234.56) AS salary, confiture.mask_ip('192.168.10.20/24') AS ip,
       confiture.mask_unique('AB-1234', 'alnum') AS code;
SELECT confiture.mask_text_pii('Call +1 415 555 0100 or write to bob@example.org, IBAN FR7630006000011234567890189')
       AS free_text;
SELECT confiture.mask_email(NULL) IS NULL AS strict;

-- A shop: customers' e-mails are unique and orders refer to them.
CREATE SCHEMA anon;
CREATE TABLE anon.customers (id int PRIMARY KEY, email text UNIQUE NOT NULL, name text,
                             born date, notes text);
CREATE TABLE anon.orders (id int PRIMARY KEY,
                          customer_email text NOT NULL REFERENCES anon.customers (email) DEFERRABLE,
                          amount numeric(10, 2));
INSERT INTO anon.customers
SELECT g, 'customer' || g || '@shop.example', 'Name' || g || ' Family' || g, date '1970-01-01' + 100 * g,
       CASE WHEN g % 4 = 0 THEN 'prefers e-mail: other' || g || '@mail.example' END
FROM generate_series(1, 40) AS g;
INSERT INTO anon.orders SELECT g, 'customer' || (g % 40 + 1) || '@shop.example', g * 10.5
FROM generate_series(1, 100) AS g;

-- Rules are checked when declared.
SELECT confiture.set_rule('anon.customers', 'email', 'mask_email');
SELECT confiture.set_rule('anon.customers', 'born', 'mask_name');
SELECT confiture.set_rule('anon.customers', 'name', 'mask_hash', '{"length": 100}');
SELECT confiture.set_rule('anon.customers', 'nickname', 'mask_name');
SELECT confiture.set_rule('anon.customers', 'email', 'mask_unique', '{"kind": "email"}');
SELECT confiture.set_rule('anon.customers', 'name', 'mask_name');
SELECT confiture.set_rule('anon.customers', 'born', 'mask_date_shift', '{"max_days": 60}');
SELECT confiture.set_rule('anon.orders', 'customer_email', 'mask_unique', '{"kind": "email"}');
SELECT confiture.set_rule('anon.orders', 'amount', 'mask_noise', '{"ratio": 0.05}');
SELECT "table", "column", strategy, options, unique_constraints
FROM confiture.anonymization_rules ORDER BY 1, 2;

-- Masking the database: every order still finds its customer.
SELECT count(*) AS orders_with_customer FROM anon.orders JOIN anon.customers ON email = customer_email;
SELECT r -> 'rows' AS rows, jsonb_path_query_array(r, '$.tables[*].table') AS tables
FROM confiture.anonymize_database() AS r;
SELECT count(*) AS orders_with_customer FROM anon.orders JOIN anon.customers ON email = customer_email;
SELECT id, email, name, born FROM anon.customers ORDER BY id LIMIT 3;
SELECT count(*) FILTER (WHERE email LIKE 'customer%@shop.example') AS emails_left,
       count(*) FILTER (WHERE name LIKE 'Name%') AS names_left
FROM anon.customers;
-- What the run left behind: no original value, but e-mails in the notes nobody masked.
SELECT * FROM confiture.verify_anonymization('anon.customers') ORDER BY 1, 2;
SELECT tbl, strategies -> 'email' ->> 'strategy' AS email, rows FROM confiture.anonymization_audit ORDER BY id;

-- Custom strategies: guarded.
CREATE SCHEMA masks;
CREATE FUNCTION masks.initials(v text) RETURNS text LANGUAGE sql IMMUTABLE
    AS $$ SELECT regexp_replace(v, '(\w)\w*', '\1.', 'g') $$;
CREATE FUNCTION masks.definer(v text) RETURNS text LANGUAGE sql SECURITY DEFINER AS $$ SELECT v $$;
CREATE FUNCTION masks.peek(v text) RETURNS text LANGUAGE sql
    AS $$ SELECT v || (SELECT email FROM anon.customers LIMIT 1) $$;
SELECT confiture.register_strategy('initials', 'masks.initials(text)', description => 'initials only');
SELECT confiture.register_strategy('definer', 'masks.definer(text)');
SELECT confiture.register_strategy('mask_name', 'masks.initials(text)');
SELECT confiture.register_strategy('peek', 'masks.peek(text)');
SELECT confiture.mask_custom('initials', 'Alice Martin'::text);
SELECT confiture.mask_custom('peek', 'x'::text);
CREATE TABLE anon.reviews (id int PRIMARY KEY, author varchar(40));
INSERT INTO anon.reviews VALUES (1, 'Alice Martin'), (2, 'Bob de la Cruz');
SELECT confiture.set_rule('anon.reviews', 'author', 'initials');
SELECT confiture.anonymize_table('anon.reviews') -> 'rows' AS rows;
SELECT * FROM anon.reviews ORDER BY id;

-- An ordinary role masks with the key but cannot read or set it.
CREATE ROLE anon_intern;
SET ROLE anon_intern;
SELECT confiture.mask_hash('alice@example.org') AS same_hash;
SELECT key FROM confiture.anonymization_key;
SELECT confiture.set_anonymization_key('stolen-key-0123456789abcdef');
SELECT confiture.trust_schema('public');
RESET ROLE;
DROP ROLE anon_intern;

-- Under REPEATABLE READ the snapshot predates the run's lock: rows committed meanwhile would
-- escape, unless the table was locked first.
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT confiture.anonymize_table('anon.reviews');
ROLLBACK;
BEGIN ISOLATION LEVEL REPEATABLE READ;
LOCK TABLE anon.reviews IN EXCLUSIVE MODE;
SELECT confiture.anonymize_table('anon.reviews') -> 'rows' AS rows;
ROLLBACK;

-- Bad input.
SELECT confiture.mask_unique('x', 'uuid');
SELECT confiture.mask_hash('x', 0);
SELECT confiture.anonymize_table('anon.orders', 0);
SELECT confiture.anonymize_table('anon.orders', options => '{"triggers": false}');
SELECT confiture.anonymize_table('masks.nothing');
CREATE TABLE anon.unruled (id int);
SELECT confiture.anonymize_table('anon.unruled');

SELECT confiture.remove_rule('anon.reviews', 'author');
DELETE FROM confiture.anonymization_rule;
DELETE FROM confiture.masking_strategy;
DELETE FROM confiture.anonymization_audit;
DELETE FROM confiture.anonymization_key;
DROP SCHEMA anon, masks CASCADE;
