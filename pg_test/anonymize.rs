//! Anonymization in the server: every strategy (determinism, key isolation, types, NULL,
//! distribution), the key's secrecy, rules and their checks, masking runs (batches, audit,
//! foreign keys, triggers, hooks, timeout), custom strategies and their guards, verification.

#[pgrx::pg_schema]
mod tests {
    use pgrx::prelude::*;
    use serde_json::Value;

    use crate::pg_test::error_of;

    const KEY: &str = "k3y-for-tests-0123456789abcdef";

    fn key(key: &str) {
        Spi::run_with_args("SELECT confiture.set_anonymization_key($1)", &[key.into()]).unwrap();
    }

    fn text(sql: &str) -> Option<String> {
        Spi::get_one::<String>(sql).unwrap()
    }

    fn json(sql: &str) -> Value {
        Spi::get_one::<pgrx::JsonB>(sql).unwrap().unwrap().0
    }

    fn count(sql: &str) -> i64 {
        Spi::get_one::<i64>(sql).unwrap().unwrap()
    }

    /// Every keyed strategy on a sample value, as text.
    const KEYED: [&str; 11] = [
        "confiture.mask_hash('alice@example.org')",
        "confiture.mask_email('alice@example.org')",
        "confiture.mask_name('Alice Martin')",
        "confiture.mask_phone('+33 6 12 34 56 78')",
        "confiture.mask_date_shift(date '2024-02-29')::text",
        "confiture.mask_date_shift(timestamptz '2024-02-29 10:30:00+00')::text",
        "confiture.mask_date_shift(timestamp '2024-02-29 10:30:00')::text",
        "confiture.mask_noise(1234.50)::text",
        "confiture.mask_ip('192.168.10.20/24')::text",
        "confiture.mask_credit_card('4111 1111 1111 1111')",
        "confiture.mask_unique('AB-1234-xy', 'alnum')",
    ];

    #[pg_test]
    fn masking_refuses_to_run_without_a_key() {
        let (code, message) = error_of("SELECT confiture.mask_hash('x')").unwrap();
        assert_eq!(code, "55000");
        assert_eq!(message, "no anonymization key is set in this database");
    }

    #[pg_test]
    fn every_strategy_is_deterministic_and_depends_on_the_key() {
        key(KEY);
        let first: Vec<Option<String>> =
            KEYED.iter().map(|e| text(&format!("SELECT {e}"))).collect();
        let again: Vec<Option<String>> =
            KEYED.iter().map(|e| text(&format!("SELECT {e}"))).collect();
        assert_eq!(first, again);
        key("another-key-entirely-0123456789");
        for (expression, before) in KEYED.iter().zip(&first) {
            let after = text(&format!("SELECT {expression}"));
            assert_ne!(&after, before, "{expression} does not depend on the key");
        }
    }

    #[pg_test]
    fn strategies_are_strict_and_keep_their_types() {
        key(KEY);
        let null = |e: &str| {
            Spi::get_one::<bool>(&format!("SELECT {e} IS NULL"))
                .unwrap()
                .unwrap()
        };
        for expression in [
            "confiture.mask_hash(NULL)",
            "confiture.mask_email(NULL)",
            "confiture.mask_date_shift(NULL::date)",
            "confiture.mask_noise(NULL)",
            "confiture.mask_ip(NULL)",
            "confiture.mask_unique(NULL, 'digits')",
            "confiture.mask_text_pii(NULL)",
        ] {
            assert!(null(expression), "{expression}");
        }
        let types = text(
            "SELECT concat_ws(' ', pg_typeof(confiture.mask_date_shift(date '2024-01-01')),
                             pg_typeof(confiture.mask_date_shift(now())),
                             pg_typeof(confiture.mask_date_shift(localtimestamp)),
                             pg_typeof(confiture.mask_noise(1.5)),
                             pg_typeof(confiture.mask_ip(inet '10.0.0.1')))",
        );
        assert_eq!(
            types.as_deref(),
            Some("date timestamp with time zone timestamp without time zone numeric inet")
        );
        for (expression, expected) in [
            ("masklen(confiture.mask_ip('192.168.10.20/24'))::text", "24"),
            ("scale(confiture.mask_noise(1234.50))::text", "2"),
            (
                "confiture.mask_partial('4111111111111111', 0, 4)",
                "************1111",
            ),
            ("confiture.mask_redact('secret')", "[REDACTED]"),
            (
                "confiture.mask_text_pii('write to bob@example.org today')",
                "write to [EMAIL] today",
            ),
        ] {
            assert_eq!(
                text(&format!("SELECT {expression}")).as_deref(),
                Some(expected),
                "{expression}"
            );
        }
    }

    #[pg_test]
    fn values_are_spread_within_their_bounds() {
        key(KEY);
        let shifts = json(
            "SELECT jsonb_build_object(
                 'min', min(d), 'max', max(d), 'zero', count(*) FILTER (WHERE d = 0))
               FROM (SELECT confiture.mask_date_shift(day::date, 10) - day::date AS d
                       FROM generate_series(date '2020-01-01', date '2022-12-31', '1 day') AS day) s",
        );
        assert_eq!(shifts["zero"], 0);
        assert!(shifts["min"].as_i64().unwrap() >= -10 && shifts["min"].as_i64().unwrap() < 0);
        assert!(shifts["max"].as_i64().unwrap() <= 10 && shifts["max"].as_i64().unwrap() > 0);
        // Within 1 ± ratio, give or take the rounding to the value's scale (2 here).
        let noise = json(
            "SELECT jsonb_build_object('min', min(r), 'max', max(r))
               FROM (SELECT confiture.mask_noise(v, 0.1) / v AS r
                       FROM generate_series(100, 2000) AS g, LATERAL (SELECT g::numeric(8, 2)) AS n(v)) s",
        );
        let (min, max) = (
            noise["min"].as_f64().unwrap(),
            noise["max"].as_f64().unwrap(),
        );
        assert!((0.9 - 1e-4..0.95).contains(&min), "{noise}");
        assert!(max > 1.05 && max <= 1.1 + 1e-4, "{noise}");
        assert!(
            count(
                "SELECT count(DISTINCT confiture.mask_name('Person ' || g))
                   FROM generate_series(1, 1000) AS g"
            ) > 900
        );
        assert_eq!(
            count(
                "SELECT count(*) FROM generate_series(1, 200) AS g
                  WHERE NOT confiture.mask_email('user' || g || '@corp.example')
                            LIKE '%@%.example.com'"
            ),
            0
        );
    }

    #[pg_test]
    fn mask_unique_is_one_to_one_on_distinct_values() {
        key(KEY);
        assert_eq!(
            count(
                "SELECT count(DISTINCT confiture.mask_unique(lpad(g::text, 6, '0'), 'digits'))
                   FROM generate_series(0, 199999) AS g"
            ),
            200_000
        );
    }

    /// `intern`: a role with no privilege beyond PUBLIC's.
    fn intern() {
        Spi::run("CREATE ROLE intern; GRANT USAGE, CREATE ON SCHEMA public TO intern").unwrap();
    }

    #[pg_test]
    fn the_key_is_secret_from_ordinary_roles() {
        key(KEY);
        intern();
        Spi::run("SET ROLE intern").unwrap();
        let (code, _) = error_of("SELECT key FROM confiture.anonymization_key").unwrap();
        assert_eq!(code, "42501");
        let (code, message) =
            error_of("SELECT confiture.set_anonymization_key('stolen-key-0123456789abc')").unwrap();
        assert_eq!(
            (code.as_str(), message.as_str()),
            ("42501", "permission denied to set the anonymization key")
        );
        // Masking works for the role, with the database's key, without revealing it.
        let masked = text("SELECT confiture.mask_hash('alice')");
        Spi::run("RESET ROLE").unwrap();
        assert_eq!(masked, text("SELECT confiture.mask_hash('alice')"));
        assert_eq!(
            count(
                "SELECT count(*) FROM pg_proc
                  WHERE pronamespace = 'confiture'::regnamespace AND prorettype = 'bytea'::regtype"
            ),
            0
        );
    }

    #[pg_test]
    fn weak_keys_are_refused() {
        let (code, _) = error_of("SELECT confiture.set_anonymization_key('short')").unwrap();
        assert_eq!(code, "22023");
        let (code, _) =
            error_of("SELECT confiture.set_anonymization_key('aaaaaaaaaaaaaaaaaaaaaaaa')").unwrap();
        assert_eq!(code, "22023");
    }

    fn shop() {
        key(KEY);
        Spi::run(
            "CREATE TABLE customers (id int PRIMARY KEY, email varchar(100) UNIQUE NOT NULL,
                                     name text, phone text, born date, notes text);
             INSERT INTO customers
             SELECT g, 'user' || g || '@corp.example', 'First' || g || ' Last' || g,
                    '+33 6 12 34 ' || lpad(g::text, 4, '0'), date '1980-01-01' + g,
                    CASE WHEN g % 10 = 0 THEN 'call me at +1 415 555 ' || lpad(g::text, 4, '0') END
               FROM generate_series(1, 500) AS g;
             CREATE TABLE orders (id int PRIMARY KEY,
                                  customer_email varchar(100) NOT NULL
                                      REFERENCES customers (email) DEFERRABLE,
                                  total numeric(10, 2));
             INSERT INTO orders SELECT g, 'user' || (g % 500 + 1) || '@corp.example', g * 1.5
               FROM generate_series(1, 2000) AS g;",
        )
        .unwrap();
    }

    fn rule(table: &str, column: &str, strategy: &str, options: &str) {
        Spi::run(&format!(
            "SELECT confiture.set_rule('{table}', '{column}', '{strategy}', '{options}')"
        ))
        .unwrap();
    }

    #[pg_test]
    fn rules_are_checked_when_declared() {
        shop();
        let refused = |sql: &str| error_of(sql).unwrap();
        let (code, message) =
            refused("SELECT confiture.set_rule('customers', 'email', 'mask_email')");
        assert_eq!(code, "22023");
        assert!(message.contains("not one-to-one"), "{message}");
        rule("customers", "email", "mask_unique", r#"{"kind": "email"}"#);
        let (_, message) = refused("SELECT confiture.set_rule('customers', 'born', 'mask_hash')");
        assert_eq!(
            message,
            "mask_hash masks text values, and column born of customers is date"
        );
        let (_, message) = refused("SELECT confiture.set_rule('customers', 'nope', 'mask_hash')");
        assert_eq!(message, "column nope of customers does not exist");
        let (_, message) = refused(
            "SELECT confiture.set_rule('customers', 'name', 'mask_hash', '{\"length\": 99}')",
        );
        assert!(message.contains("length"), "{message}");
        let (_, message) =
            refused("SELECT confiture.set_rule('customers', 'name', 'mask_everything')");
        assert!(message.starts_with("unknown masking strategy"), "{message}");
        assert_eq!(
            text(
                "SELECT strategy || ' ' || array_to_string(unique_constraints, ',')
                   FROM confiture.anonymization_rules"
            )
            .as_deref(),
            Some("mask_unique customers_email_key")
        );
    }

    #[pg_test]
    fn a_table_is_masked_in_batches_and_audited() {
        shop();
        rule("customers", "email", "mask_unique", r#"{"kind": "email"}"#);
        rule(
            "orders",
            "customer_email",
            "mask_unique",
            r#"{"kind": "email"}"#,
        );
        rule("customers", "name", "mask_name", "{}");
        rule("customers", "phone", "mask_phone", "{}");
        rule(
            "customers",
            "born",
            "mask_date_shift",
            r#"{"max_days": 90}"#,
        );
        Spi::run("CREATE TEMP TABLE before AS SELECT * FROM customers").unwrap();
        let result = json("SELECT confiture.anonymize_table('customers', 100)");
        assert_eq!(result["rows"], 500);
        assert!(result["batches"].as_u64().unwrap() > 1, "{result}");
        // Every masked value changed, every row is still there, lengths are kept.
        assert_eq!(
            count(
                "SELECT count(*) FROM customers c JOIN before b USING (id)
                  WHERE c.email <> b.email AND c.name <> b.name AND c.phone <> b.phone
                    AND c.born <> b.born AND length(c.phone) = length(b.phone)
                    AND abs(c.born - b.born) <= 90 AND c.notes IS NOT DISTINCT FROM b.notes"
            ),
            500
        );
        let audit = json(
            "SELECT to_jsonb(a) - 'ran_at' - 'duration_ms' - 'id' FROM confiture.anonymization_audit a",
        );
        assert_eq!(audit["rows"], 500);
        assert_eq!(audit["ran_by"], "postgres");
        assert_eq!(audit["strategies"]["born"]["strategy"], "mask_date_shift");
    }

    #[pg_test]
    fn foreign_keys_survive_because_equal_values_mask_alike() {
        shop();
        rule("customers", "email", "mask_unique", r#"{"kind": "email"}"#);
        rule(
            "orders",
            "customer_email",
            "mask_unique",
            r#"{"kind": "email"}"#,
        );
        let joined_before =
            count("SELECT count(*) FROM orders JOIN customers ON email = customer_email");
        let result = json("SELECT confiture.anonymize_database()");
        assert_eq!(result["rows"], 2500);
        // The deferred foreign key holds at the end, and every order still finds its customer.
        Spi::run("SET CONSTRAINTS ALL IMMEDIATE").unwrap();
        assert_eq!(
            count("SELECT count(*) FROM orders JOIN customers ON email = customer_email"),
            joined_before
        );
        assert_eq!(
            count("SELECT count(*) FROM customers WHERE email LIKE 'user%@corp.example'"),
            0
        );
    }

    #[pg_test]
    fn a_foreign_key_masked_on_one_side_or_checked_row_by_row_is_refused_before_masking() {
        shop();
        rule("customers", "email", "mask_unique", r#"{"kind": "email"}"#);
        let (code, message) = error_of("SELECT confiture.anonymize_table('customers')").unwrap();
        assert_eq!(code, "55000");
        assert!(
            message.contains("masking customers.email alone breaks foreign key"),
            "{message}"
        );
        rule(
            "orders",
            "customer_email",
            "mask_unique",
            r#"{"kind": "email"}"#,
        );
        Spi::run("ALTER TABLE orders ALTER CONSTRAINT orders_customer_email_fkey NOT DEFERRABLE")
            .unwrap();
        let (_, message) = error_of("SELECT confiture.anonymize_database()").unwrap();
        assert!(message.contains("is checked row by row"), "{message}");
        assert_eq!(
            count("SELECT count(*) FROM customers WHERE email LIKE 'user%@corp.example'"),
            500
        );
    }

    #[pg_test]
    fn values_a_unique_index_would_refuse_midway_are_found_first() {
        key(KEY);
        Spi::run(
            "CREATE TABLE codes (code varchar(3) UNIQUE);
             INSERT INTO codes SELECT lpad(g::text, 3, '0') FROM generate_series(0, 999) AS g;",
        )
        .unwrap();
        rule("codes", "code", "mask_unique", r#"{"kind": "digits"}"#);
        let (code, message) = error_of("SELECT confiture.anonymize_table('codes')").unwrap();
        assert_eq!(code, "23505");
        assert!(
            message.contains("a value another row holds before it is masked"),
            "{message}"
        );
        // Checked at commit, the same permutation goes through.
        Spi::run(
            "ALTER TABLE codes DROP CONSTRAINT codes_code_key;
             ALTER TABLE codes ADD UNIQUE (code) DEFERRABLE;",
        )
        .unwrap();
        assert_eq!(
            json("SELECT confiture.anonymize_table('codes')")["rows"],
            1000
        );
        assert_eq!(count("SELECT count(DISTINCT code) FROM codes"), 1000);
    }

    #[pg_test]
    fn a_unique_index_over_several_columns_is_not_checked_column_by_column() {
        key(KEY);
        Spi::run(
            "CREATE TABLE pairs (a varchar(2), b int, UNIQUE (a, b));
             INSERT INTO pairs SELECT lpad(g::text, 2, '0'), g FROM generate_series(0, 99) AS g;",
        )
        .unwrap();
        rule("pairs", "a", "mask_unique", r#"{"kind": "digits"}"#);
        assert_eq!(
            json("SELECT confiture.anonymize_table('pairs')")["rows"],
            100
        );
    }

    #[pg_test]
    fn foreign_keys_of_partitions_are_checked_against_their_tables_rules() {
        key(KEY);
        Spi::run(
            "CREATE TABLE people (email text PRIMARY KEY);
             INSERT INTO people SELECT 'p' || g || '@x.org' FROM generate_series(1, 20) AS g;
             CREATE TABLE visits (at date, email text) PARTITION BY RANGE (at);
             CREATE TABLE visits_2025 PARTITION OF visits FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
             ALTER TABLE visits_2025 ADD FOREIGN KEY (email) REFERENCES people DEFERRABLE;
             INSERT INTO visits SELECT date '2025-03-01', 'p' || g || '@x.org' FROM generate_series(1, 20) AS g;",
        )
        .unwrap();
        rule("people", "email", "mask_unique", r#"{"kind": "email"}"#);
        let (_, message) = error_of("SELECT confiture.anonymize_table('people')").unwrap();
        assert!(
            message.contains("visits.email is not masked by the same rule"),
            "{message}"
        );
        rule("visits", "email", "mask_unique", r#"{"kind": "email"}"#);
        assert_eq!(json("SELECT confiture.anonymize_database()")["rows"], 40);
        Spi::run("SET CONSTRAINTS ALL IMMEDIATE").unwrap();
        assert_eq!(
            count("SELECT count(*) FROM visits JOIN people USING (email)"),
            20
        );
        let (code, _) = error_of("SELECT confiture.anonymize_database(NULL)").unwrap();
        assert_eq!(code, "22004");
    }

    #[pg_test]
    fn a_masked_value_too_long_for_its_column_is_an_error_not_a_cut() {
        key(KEY);
        Spi::run(
            "CREATE TABLE contacts (email varchar(20));
             INSERT INTO contacts VALUES ('a@b.org');",
        )
        .unwrap();
        rule("contacts", "email", "mask_email", "{}");
        let (code, _) = error_of("SELECT confiture.anonymize_table('contacts')").unwrap();
        assert_eq!(code, "22001");
        assert_eq!(
            text("SELECT email FROM contacts").as_deref(),
            Some("a@b.org")
        );
    }

    #[pg_test]
    fn a_role_that_cannot_write_the_audit_trail_cannot_anonymize() {
        shop();
        intern();
        rule("customers", "name", "mask_name", "{}");
        Spi::run("GRANT SELECT, UPDATE ON customers TO intern; SET ROLE intern").unwrap();
        let (code, message) = error_of("SELECT confiture.anonymize_table('customers')").unwrap();
        assert_eq!(code, "42501");
        assert!(message.contains("anonymization_audit"), "{message}");
        Spi::run(
            "RESET ROLE; GRANT INSERT ON confiture.anonymization_audit TO intern; SET ROLE intern",
        )
        .unwrap();
        assert_eq!(
            json("SELECT confiture.anonymize_table('customers')")["rows"],
            500
        );
        Spi::run("RESET ROLE").unwrap();
    }

    #[pg_test]
    fn rules_of_a_dropped_table_are_skipped_with_a_warning() {
        shop();
        rule("customers", "name", "mask_name", "{}");
        Spi::run("CREATE TABLE gone (v text); SELECT confiture.set_rule('gone', 'v', 'mask_name'); DROP TABLE gone;")
            .unwrap();
        assert_eq!(json("SELECT confiture.anonymize_database()")["rows"], 500);
    }

    #[pg_test]
    fn rows_written_earlier_in_the_transaction_are_masked_once() {
        shop();
        rule(
            "customers",
            "name",
            "mask_redact",
            r#"{"replacement": "X"}"#,
        );
        Spi::run("UPDATE customers SET name = 'changed' WHERE id <= 10").unwrap();
        let result = json("SELECT confiture.anonymize_table('customers', 7)");
        assert_eq!(result["rows"], 500);
        assert_eq!(
            count("SELECT count(*) FROM customers WHERE name = 'X'"),
            500
        );
    }

    #[pg_test]
    fn a_partitioned_table_is_masked_through_its_partitions() {
        key(KEY);
        Spi::run(
            "CREATE TABLE events (id int, at date, who text) PARTITION BY RANGE (at);
             CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
             CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
             INSERT INTO events SELECT g, date '2025-06-01' + g, 'person' || g
               FROM generate_series(1, 400) AS g;
             CREATE VIEW recent_events AS SELECT * FROM events;",
        )
        .unwrap();
        rule("events", "who", "mask_hash", "{}");
        let result = json("SELECT confiture.anonymize_table('events', 50)");
        assert_eq!(result["rows"], 400);
        assert_eq!(
            count("SELECT count(*) FROM events WHERE who LIKE 'person%'"),
            0
        );
        let (_, message) =
            error_of("SELECT confiture.set_rule('recent_events', 'who', 'mask_hash')").unwrap();
        assert_eq!(message, "recent_events is not a table");
    }

    #[pg_test]
    fn triggers_fire_unless_the_caller_disables_them() {
        shop();
        Spi::run(
            "CREATE FUNCTION no_updates() RETURNS trigger LANGUAGE plpgsql AS
                 $$ BEGIN RAISE EXCEPTION 'customers are read-only'; END $$;
             CREATE TRIGGER read_only BEFORE UPDATE ON customers
                 FOR EACH ROW EXECUTE FUNCTION no_updates();",
        )
        .unwrap();
        rule("customers", "name", "mask_name", "{}");
        let (_, message) = error_of("SELECT confiture.anonymize_table('customers')").unwrap();
        assert!(message.ends_with("customers are read-only"), "{message}");
        Spi::run(
            "CREATE TRIGGER always BEFORE UPDATE ON customers
                 FOR EACH ROW EXECUTE FUNCTION no_updates();
             ALTER TABLE customers ENABLE ALWAYS TRIGGER always;
             ALTER TABLE customers DISABLE TRIGGER always;
             CREATE TRIGGER kept_off BEFORE UPDATE ON customers
                 FOR EACH ROW EXECUTE FUNCTION no_updates();
             ALTER TABLE customers DISABLE TRIGGER kept_off;
             CREATE TRIGGER replica BEFORE UPDATE ON customers
                 FOR EACH ROW EXECUTE FUNCTION no_updates();
             ALTER TABLE customers ENABLE REPLICA TRIGGER replica;",
        )
        .unwrap();
        let result = json(
            "SELECT confiture.anonymize_table('customers', options => '{\"disable_triggers\": true}')",
        );
        assert_eq!(result["rows"], 500);
        // Each trigger is back as it was: enabled, disabled, or enabled for replicas only.
        assert_eq!(
            text(
                "SELECT string_agg(tgname || ':' || tgenabled::text, ' ' ORDER BY tgname) FROM pg_trigger
                  WHERE tgrelid = 'customers'::regclass AND NOT tgisinternal"
            )
            .as_deref(),
            Some("always:D kept_off:D read_only:O replica:R")
        );
        // On a partitioned table, a trigger disabled on one partition stays so.
        Spi::run(
            "CREATE TABLE logs (at date, who text) PARTITION BY RANGE (at);
             CREATE TABLE logs_a PARTITION OF logs FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
             CREATE TABLE logs_b PARTITION OF logs FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
             CREATE TRIGGER read_only BEFORE UPDATE ON logs FOR EACH ROW EXECUTE FUNCTION no_updates();
             ALTER TABLE logs_b DISABLE TRIGGER read_only;
             INSERT INTO logs VALUES ('2025-05-01', 'a'), ('2026-05-01', 'b');",
        )
        .unwrap();
        rule("logs", "who", "mask_name", "{}");
        let result = json(
            "SELECT confiture.anonymize_table('logs', options => '{\"disable_triggers\": true}')",
        );
        assert_eq!(result["rows"], 2);
        assert_eq!(
            text(
                "SELECT string_agg(tgrelid::regclass || ':' || tgenabled::text, ' ' ORDER BY tgrelid::regclass::text)
                   FROM pg_trigger WHERE tgname = 'read_only' AND tgrelid <> 'customers'::regclass"
            )
            .as_deref(),
            Some("logs:O logs_a:O logs_b:D")
        );
    }

    #[pg_test]
    fn anonymization_hooks_run_around_the_masking() {
        shop();
        rule("customers", "name", "mask_name", "{}");
        Spi::run(
            "CREATE TABLE seen (phase text, names_masked boolean);
             CREATE FUNCTION look(context jsonb) RETURNS void LANGUAGE sql AS $$
                 INSERT INTO seen SELECT context ->> 'phase',
                        NOT EXISTS (SELECT FROM customers WHERE name LIKE 'First%') $$;
             SELECT confiture.register_hook('before', 'before_anonymization', 'look(jsonb)');
             SELECT confiture.register_hook('after', 'after_anonymization', 'look(jsonb)');",
        )
        .unwrap();
        Spi::run("SELECT confiture.anonymize_table('customers')").unwrap();
        assert_eq!(
            text("SELECT string_agg(phase || ':' || names_masked, ' ' ORDER BY ctid) FROM seen")
                .as_deref(),
            Some("before_anonymization:false after_anonymization:true")
        );
    }

    #[pg_test]
    fn verification_reports_originals_left_and_pii_in_other_columns() {
        shop();
        rule("customers", "name", "mask_name", "{}");
        Spi::run("SELECT confiture.anonymize_table('customers')").unwrap();
        let report = json(
            "SELECT jsonb_object_agg(column_name || ':' || \"check\", matches)
               FROM confiture.verify_anonymization('customers')",
        );
        assert_eq!(report["name:equals_original"], 0);
        // Not masked: the notes still hold phone numbers, and the e-mails are still e-mails.
        assert_eq!(report["notes:pii_pattern"], 50);
        assert_eq!(report["email:pii_pattern"], 500);
        assert_eq!(report["name:pii_pattern"], 0);
    }

    #[pg_test]
    fn a_masking_run_stops_at_mask_timeout() {
        shop();
        Spi::run(
            "CREATE SCHEMA masks;
             CREATE FUNCTION masks.slow(v text) RETURNS text LANGUAGE sql AS
                 $$ SELECT pg_sleep(0.01)::text || v $$;
             SELECT confiture.register_strategy('slow', 'masks.slow(text)');
             SET confiture.mask_timeout = '100ms';",
        )
        .unwrap();
        rule("customers", "notes", "slow", "{}");
        let started = std::time::Instant::now();
        let (code, _) = error_of("SELECT confiture.anonymize_table('customers')").unwrap();
        assert_eq!(code, "57014");
        assert!(started.elapsed().as_secs_f64() < 3.0);
        assert_eq!(Spi::get_one::<i32>("SELECT 1"), Ok(Some(1)));
    }

    #[pg_test]
    fn custom_strategies_run_with_their_options() {
        shop();
        Spi::run(
            "CREATE SCHEMA masks;
             CREATE FUNCTION masks.initials(v text, options jsonb) RETURNS text LANGUAGE sql AS
                 $$ SELECT regexp_replace(v, '(\\w)\\w*', '\\1' || (options ->> 'suffix'), 'g') $$;
             SELECT confiture.register_strategy('initials', 'masks.initials(text, jsonb)',
                                                description => 'initials only');",
        )
        .unwrap();
        rule("customers", "name", "initials", r#"{"suffix": "."}"#);
        Spi::run("SELECT confiture.anonymize_table('customers')").unwrap();
        assert_eq!(
            text("SELECT name FROM customers WHERE id = 7").as_deref(),
            Some("F. L.")
        );
        assert_eq!(
            text("SELECT source FROM confiture.masking_strategies() WHERE name = 'initials'")
                .as_deref(),
            Some("registered: masks.initials(text,jsonb)")
        );
    }

    #[pg_test]
    fn guards_refuse_the_classic_escapes() {
        shop();
        intern();
        Spi::run(
            "CREATE SCHEMA masks;
             CREATE FUNCTION masks.definer(v text) RETURNS text SECURITY DEFINER
                 LANGUAGE sql AS $$ SELECT v $$;
             SET ROLE intern;
             CREATE FUNCTION public.mine(v text) RETURNS text LANGUAGE sql AS $$ SELECT v $$;
             RESET ROLE;",
        )
        .unwrap();
        let refused = |sql: &str| error_of(sql).unwrap();
        // A SECURITY DEFINER function.
        let (code, message) =
            refused("SELECT confiture.register_strategy('d', 'masks.definer(text)')");
        assert_eq!(code, "42501");
        assert!(message.contains("SECURITY DEFINER"), "{message}");
        // A function of an ordinary role in a schema nobody trusted.
        let (_, message) = refused("SELECT confiture.register_strategy('m', 'public.mine(text)')");
        assert!(
            message.contains("schema public is not trusted"),
            "{message}"
        );
        // Taking a built-in's name.
        let (_, message) =
            refused("SELECT confiture.register_strategy('mask_email', 'masks.definer(text)')");
        assert_eq!(message, "\"mask_email\" is a built-in strategy");
        // Once a superuser trusts the schema, the function may serve.
        Spi::run("SELECT confiture.trust_schema('public')").unwrap();
        Spi::run("SELECT confiture.register_strategy('m', 'public.mine(text)')").unwrap();
        Spi::run("SET ROLE intern").unwrap();
        let (code, _) = refused("SELECT confiture.trust_schema('public', false)");
        assert_eq!(code, "42501");
        Spi::run("RESET ROLE").unwrap();
    }

    #[pg_test]
    fn a_built_in_is_called_by_its_schema_never_by_a_look_alike() {
        shop();
        Spi::run(
            "CREATE TABLE spied (what text);
             CREATE FUNCTION public.mask_name(v text) RETURNS text LANGUAGE sql AS
                 $$ INSERT INTO spied VALUES ('function') RETURNING v $$;
             CREATE FUNCTION public.tid_ge(a tid, b tid) RETURNS boolean LANGUAGE sql AS
                 $$ INSERT INTO spied VALUES ('operator') RETURNING true $$;
             CREATE OPERATOR public.>= (LEFTARG = tid, RIGHTARG = tid, FUNCTION = public.tid_ge);
             SET search_path = public, pg_catalog;",
        )
        .unwrap();
        rule("customers", "name", "mask_name", "{}");
        Spi::run("SELECT confiture.anonymize_table('customers')").unwrap();
        assert_eq!(count("SELECT count(*) FROM spied"), 0);
        assert_eq!(
            count("SELECT count(*) FROM customers WHERE name LIKE 'First%'"),
            0
        );
        assert_eq!(
            text("SHOW search_path").as_deref(),
            Some("public, pg_catalog")
        );
    }

    #[pg_test]
    fn a_strategy_that_reads_another_table_is_stopped() {
        shop();
        Spi::run(
            "CREATE TABLE secrets (value text); INSERT INTO secrets VALUES ('s3cr3t');
             CREATE SCHEMA masks;
             CREATE FUNCTION masks.leaky(v text) RETURNS text LANGUAGE sql AS
                 $$ SELECT v || (SELECT value FROM public.secrets LIMIT 1) $$;
             CREATE FUNCTION masks.writer(v text) RETURNS text LANGUAGE sql AS
                 $$ INSERT INTO public.secrets VALUES (v) RETURNING v $$;
             CREATE FUNCTION masks.keyed(v text) RETURNS text LANGUAGE sql AS
                 $$ SELECT v || (SELECT encode(key, 'hex') FROM confiture.anonymization_key) $$;
             SELECT confiture.register_strategy('leaky', 'masks.leaky(text)');
             SELECT confiture.register_strategy('writer', 'masks.writer(text)');
             SELECT confiture.register_strategy('keyed', 'masks.keyed(text)');",
        )
        .unwrap();
        for strategy in ["leaky", "writer", "keyed"] {
            let (code, message) = error_of(&format!(
                "SELECT confiture.mask_custom('{strategy}', 'x'::text)"
            ))
            .unwrap();
            assert_eq!(code, "42501", "{strategy}: {message}");
            assert!(
                message.starts_with("permission denied for table"),
                "{message}"
            );
        }
        assert_eq!(count("SELECT count(*) FROM secrets"), 1);
    }
}
