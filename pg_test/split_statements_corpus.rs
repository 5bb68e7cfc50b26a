//! Scripts with the statements the server must find in them: the tricky lexical cases, then
//! migrations in the styles real tools write (Rails, Django, Flyway, pg_dump).
//! Each expected statement is written by hand from PostgreSQL's lexical rules.

pub struct Case {
    pub name: &'static str,
    pub script: &'static str,
    pub statements: &'static [&'static str],
}

pub const CASES: &[Case] = &[
    Case { name: "one statement without semicolon", script: "SELECT 1", statements: &["SELECT 1"] },
    Case {
        name: "two statements",
        script: "SELECT 1; SELECT 2;",
        statements: &["SELECT 1", "SELECT 2"],
    },
    Case { name: "empty script", script: "", statements: &[] },
    Case { name: "whitespace only", script: "  \n\t \r\n", statements: &[] },
    Case {
        name: "comments only",
        script: "-- nothing here\n/* still /* nested */ nothing */\n",
        statements: &[],
    },
    Case { name: "empty statements", script: ";;; ;\n;", statements: &[] },
    Case {
        name: "leading comment is not part of the statement",
        script: "-- add a column\nALTER TABLE t ADD c int;\n",
        statements: &["ALTER TABLE t ADD c int"],
    },
    Case {
        name: "comment before the semicolon is not part of the statement",
        script: "SELECT 1 /* one */ ;\nSELECT 2 -- two\n;",
        statements: &["SELECT 1", "SELECT 2"],
    },
    Case {
        name: "trailing comment after the last statement without semicolon",
        script: "SELECT 1\n-- end of migration\n",
        statements: &["SELECT 1"],
    },
    Case {
        name: "comment after the last semicolon at end of input",
        script: "SELECT 1; -- done",
        statements: &["SELECT 1"],
    },
    Case {
        name: "semicolon inside a string",
        script: "INSERT INTO t VALUES ('a;b');SELECT ';'",
        statements: &["INSERT INTO t VALUES ('a;b')", "SELECT ';'"],
    },
    Case {
        name: "doubled quote inside a string",
        script: "SELECT 'it''s; fine'; SELECT 2",
        statements: &["SELECT 'it''s; fine'", "SELECT 2"],
    },
    Case {
        name: "escaped quote inside an E string",
        script: r"SELECT E'a\';b'; SELECT 2",
        statements: &[r"SELECT E'a\';b'", "SELECT 2"],
    },
    Case {
        name: "escaped backslash ends an E string",
        script: r"SELECT E'\\'; SELECT 2",
        statements: &[r"SELECT E'\\'", "SELECT 2"],
    },
    Case {
        name: "backslash is literal in a standard string",
        script: r"SELECT 'C:\'; SELECT 2",
        statements: &[r"SELECT 'C:\'", "SELECT 2"],
    },
    Case {
        name: "line comment marker inside a string",
        script: "SELECT '--x;'; SELECT 2",
        statements: &["SELECT '--x;'", "SELECT 2"],
    },
    Case {
        name: "semicolon inside quoted identifiers",
        script: r#"CREATE TABLE "a;b" ("x;y" int); DROP TABLE "a;b""#,
        statements: &[r#"CREATE TABLE "a;b" ("x;y" int)"#, r#"DROP TABLE "a;b""#],
    },
    Case {
        name: "doubled quote inside a quoted identifier",
        script: r#"SELECT 1 AS "say ""hi"";"; SELECT 2"#,
        statements: &[r#"SELECT 1 AS "say ""hi"";""#, "SELECT 2"],
    },
    Case {
        name: "unicode escapes in identifier and string",
        script: r#"SELECT U&"d\0061t\+000061" FROM t; SELECT U&'d!0061t!+000061' UESCAPE '!'; SELECT 3"#,
        statements: &[
            r#"SELECT U&"d\0061t\+000061" FROM t"#,
            "SELECT U&'d!0061t!+000061' UESCAPE '!'",
            "SELECT 3",
        ],
    },
    Case {
        name: "dollar quoted DO block",
        script: "DO $$ BEGIN RAISE NOTICE 'x;y'; END $$; SELECT 1",
        statements: &["DO $$ BEGIN RAISE NOTICE 'x;y'; END $$", "SELECT 1"],
    },
    Case {
        name: "tagged dollar quote containing $$",
        script: "CREATE FUNCTION f() RETURNS text LANGUAGE sql AS $fn$ SELECT '$$;' $fn$; SELECT f()",
        statements: &[
            "CREATE FUNCTION f() RETURNS text LANGUAGE sql AS $fn$ SELECT '$$;' $fn$",
            "SELECT f()",
        ],
    },
    Case {
        name: "nested dollar quote tags",
        script: "DO $outer$ BEGIN EXECUTE $inner$ SELECT 1; $inner$; END $outer$; SELECT 2",
        statements: &["DO $outer$ BEGIN EXECUTE $inner$ SELECT 1; $inner$; END $outer$", "SELECT 2"],
    },
    Case {
        name: "dollar quote used as a literal",
        script: "SELECT $tag$a;b$tag$::text; SELECT 2",
        statements: &["SELECT $tag$a;b$tag$::text", "SELECT 2"],
    },
    Case {
        name: "dollar sign inside an identifier is not a quote",
        script: "CREATE TABLE t$1 (x int); SELECT 2",
        statements: &["CREATE TABLE t$1 (x int)", "SELECT 2"],
    },
    Case {
        name: "nested block comments hide semicolons",
        script: "/* outer /* inner; */ still comment; */ SELECT 1; SELECT 2",
        statements: &["SELECT 1", "SELECT 2"],
    },
    Case {
        name: "block comment inside a statement is kept",
        script: "SELECT 1 /* ; */ + 2; SELECT 3",
        statements: &["SELECT 1 /* ; */ + 2", "SELECT 3"],
    },
    Case {
        name: "line comment inside a statement is kept",
        script: "SELECT 1 -- ; not a terminator\n + 2; SELECT 3",
        statements: &["SELECT 1 -- ; not a terminator\n + 2", "SELECT 3"],
    },
    Case {
        name: "BEGIN and COMMIT are statements of their own",
        script: "BEGIN;\nALTER TABLE t ADD c int;\nCOMMIT;",
        statements: &["BEGIN", "ALTER TABLE t ADD c int", "COMMIT"],
    },
    Case {
        name: "transaction control with savepoints",
        script: "START TRANSACTION ISOLATION LEVEL SERIALIZABLE; SAVEPOINT s1; ROLLBACK TO SAVEPOINT s1; END;",
        statements: &[
            "START TRANSACTION ISOLATION LEVEL SERIALIZABLE",
            "SAVEPOINT s1",
            "ROLLBACK TO SAVEPOINT s1",
            "END",
        ],
    },
    Case {
        name: "BEGIN ATOMIC function body keeps its semicolons",
        script: "CREATE FUNCTION add(a int, b int) RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT a + b;\nEND;\nSELECT add(1, 2);",
        statements: &[
            "CREATE FUNCTION add(a int, b int) RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT a + b;\nEND",
            "SELECT add(1, 2)",
        ],
    },
    Case {
        name: "BEGIN ATOMIC procedure with several statements",
        script: "CREATE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC INSERT INTO t VALUES (1); INSERT INTO t VALUES (2); END; CALL p();",
        statements: &[
            "CREATE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC INSERT INTO t VALUES (1); INSERT INTO t VALUES (2); END",
            "CALL p()",
        ],
    },
    Case {
        name: "function body as an old-style string",
        script: "CREATE FUNCTION g() RETURNS int AS 'SELECT 1; SELECT 2' LANGUAGE sql; SELECT 3",
        statements: &["CREATE FUNCTION g() RETURNS int AS 'SELECT 1; SELECT 2' LANGUAGE sql", "SELECT 3"],
    },
    Case {
        name: "rule with several actions in parentheses",
        script: "CREATE RULE r AS ON INSERT TO t DO INSTEAD (INSERT INTO t2 VALUES (NEW.x); INSERT INTO t3 VALUES (NEW.x)); SELECT 1",
        statements: &[
            "CREATE RULE r AS ON INSERT TO t DO INSTEAD (INSERT INTO t2 VALUES (NEW.x); INSERT INTO t3 VALUES (NEW.x))",
            "SELECT 1",
        ],
    },
    Case {
        name: "CREATE SCHEMA with schema elements",
        script: "CREATE SCHEMA app CREATE TABLE a (x int) CREATE VIEW v AS SELECT x FROM a; SELECT 1",
        statements: &["CREATE SCHEMA app CREATE TABLE a (x int) CREATE VIEW v AS SELECT x FROM a", "SELECT 1"],
    },
    Case {
        name: "statements that cannot run in a transaction",
        script: "CREATE INDEX CONCURRENTLY idx ON t (x);\nVACUUM (ANALYZE) t;\nREINDEX INDEX CONCURRENTLY idx;",
        statements: &["CREATE INDEX CONCURRENTLY idx ON t (x)", "VACUUM (ANALYZE) t", "REINDEX INDEX CONCURRENTLY idx"],
    },
    Case {
        name: "several subcommands over several lines",
        script: "alter table t\n  add column a int,\n  add column b text;\n",
        statements: &["alter table t\n  add column a int,\n  add column b text"],
    },
    Case {
        name: "string at end of input",
        script: "COMMENT ON COLUMN t.c IS 'last; one'",
        statements: &["COMMENT ON COLUMN t.c IS 'last; one'"],
    },
    Case {
        name: "non-ASCII text and identifiers",
        script: "CREATE TABLE café (naïve text DEFAULT 'héllo; wörld'); SELECT '€'",
        statements: &["CREATE TABLE café (naïve text DEFAULT 'héllo; wörld')", "SELECT '€'"],
    },
    Case {
        name: "CRLF line endings",
        script: "SELECT 1;\r\nSELECT 2;\r\n",
        statements: &["SELECT 1", "SELECT 2"],
    },
    Case {
        name: "tabs and form feeds as whitespace",
        script: "SELECT\t1;\x0c\tSELECT\t2",
        statements: &["SELECT\t1", "SELECT\t2"],
    },
    Case {
        name: "numbers and operators",
        script: "SELECT 1.5e3, -2, .5; SELECT 'a' || 'b'",
        statements: &["SELECT 1.5e3, -2, .5", "SELECT 'a' || 'b'"],
    },
    Case {
        name: "plpgsql trigger function and its trigger",
        script: "CREATE OR REPLACE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  NEW.updated_at := now();\n  RETURN NEW;\nEND;\n$$;\nCREATE TRIGGER t_touch BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION touch();\n",
        statements: &[
            "CREATE OR REPLACE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  NEW.updated_at := now();\n  RETURN NEW;\nEND;\n$$",
            "CREATE TRIGGER t_touch BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION touch()",
        ],
    },
    Case {
        name: "DO block with format and nested quoting",
        script: "DO $do$\nDECLARE r record;\nBEGIN\n  FOR r IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' LOOP\n    EXECUTE format($f$ALTER TABLE %I SET (fillfactor = 90);$f$, r.tablename);\n  END LOOP;\nEND\n$do$;\n",
        statements: &["DO $do$\nDECLARE r record;\nBEGIN\n  FOR r IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' LOOP\n    EXECUTE format($f$ALTER TABLE %I SET (fillfactor = 90);$f$, r.tablename);\n  END LOOP;\nEND\n$do$"],
    },
    Case {
        name: "Rails structure.sql fragment",
        script: "SET statement_timeout = 0;\nSET lock_timeout = 0;\nSET client_encoding = 'UTF8';\nSELECT pg_catalog.set_config('search_path', '', false);\n\nCREATE TABLE public.schema_migrations (\n    version character varying NOT NULL\n);\n\nINSERT INTO \"schema_migrations\" (version) VALUES\n('20240101000000'),\n('20240102000000');\n\n\n",
        statements: &[
            "SET statement_timeout = 0",
            "SET lock_timeout = 0",
            "SET client_encoding = 'UTF8'",
            "SELECT pg_catalog.set_config('search_path', '', false)",
            "CREATE TABLE public.schema_migrations (\n    version character varying NOT NULL\n)",
            "INSERT INTO \"schema_migrations\" (version) VALUES\n('20240101000000'),\n('20240102000000')",
        ],
    },
    Case {
        name: "Django sqlmigrate output",
        script: "BEGIN;\n--\n-- Create model Order\n--\nCREATE TABLE \"shop_order\" (\"id\" bigint NOT NULL PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY, \"total\" numeric(10, 2) NOT NULL);\n--\n-- Add field customer to order\n--\nALTER TABLE \"shop_order\" ADD COLUMN \"customer_id\" bigint NULL CONSTRAINT \"shop_order_customer_id_fk\" REFERENCES \"shop_customer\"(\"id\") DEFERRABLE INITIALLY DEFERRED; SET CONSTRAINTS \"shop_order_customer_id_fk\" IMMEDIATE;\nCREATE INDEX \"shop_order_customer_id_idx\" ON \"shop_order\" (\"customer_id\");\nCOMMIT;\n",
        statements: &[
            "BEGIN",
            "CREATE TABLE \"shop_order\" (\"id\" bigint NOT NULL PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY, \"total\" numeric(10, 2) NOT NULL)",
            "ALTER TABLE \"shop_order\" ADD COLUMN \"customer_id\" bigint NULL CONSTRAINT \"shop_order_customer_id_fk\" REFERENCES \"shop_customer\"(\"id\") DEFERRABLE INITIALLY DEFERRED",
            "SET CONSTRAINTS \"shop_order_customer_id_fk\" IMMEDIATE",
            "CREATE INDEX \"shop_order_customer_id_idx\" ON \"shop_order\" (\"customer_id\")",
            "COMMIT",
        ],
    },
    Case {
        name: "Flyway versioned migration",
        script: "/*\n * V7__orders_status.sql\n * Adds a status to orders; backfills in batches later.\n */\nALTER TABLE orders ADD COLUMN status text;\nALTER TABLE orders ADD CONSTRAINT orders_status_check CHECK (status IN ('new', 'paid', 'shipped')) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_status_check;\n",
        statements: &[
            "ALTER TABLE orders ADD COLUMN status text",
            "ALTER TABLE orders ADD CONSTRAINT orders_status_check CHECK (status IN ('new', 'paid', 'shipped')) NOT VALID",
            "ALTER TABLE orders VALIDATE CONSTRAINT orders_status_check",
        ],
    },
    Case {
        name: "pg_dump table, owner and identity",
        script: "--\n-- Name: orders; Type: TABLE; Schema: public; Owner: app\n--\n\nCREATE TABLE public.orders (\n    id bigint NOT NULL,\n    note text DEFAULT ''::text\n);\n\n\nALTER TABLE public.orders OWNER TO app;\n\n--\n-- Name: orders_id_seq; Type: SEQUENCE; Schema: public; Owner: app\n--\n\nALTER TABLE public.orders ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (\n    SEQUENCE NAME public.orders_id_seq\n    START WITH 1\n    INCREMENT BY 1\n    NO MINVALUE\n    NO MAXVALUE\n    CACHE 1\n);\n",
        statements: &[
            "CREATE TABLE public.orders (\n    id bigint NOT NULL,\n    note text DEFAULT ''::text\n)",
            "ALTER TABLE public.orders OWNER TO app",
            "ALTER TABLE public.orders ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (\n    SEQUENCE NAME public.orders_id_seq\n    START WITH 1\n    INCREMENT BY 1\n    NO MINVALUE\n    NO MAXVALUE\n    CACHE 1\n)",
        ],
    },
    Case {
        name: "pg_dump function quoted with $_$",
        script: "CREATE FUNCTION public.slugify(value text) RETURNS text\n    LANGUAGE sql IMMUTABLE\n    AS $_$\n  SELECT lower(regexp_replace($1, '[^a-z0-9]+', '-', 'gi'));\n$_$;\n\n\nALTER FUNCTION public.slugify(value text) OWNER TO app;\n",
        statements: &[
            "CREATE FUNCTION public.slugify(value text) RETURNS text\n    LANGUAGE sql IMMUTABLE\n    AS $_$\n  SELECT lower(regexp_replace($1, '[^a-z0-9]+', '-', 'gi'));\n$_$",
            "ALTER FUNCTION public.slugify(value text) OWNER TO app",
        ],
    },
    Case {
        name: "pg_dump comments, grants and constraints",
        script: "COMMENT ON TABLE public.orders IS 'Customer''s orders; one row per checkout';\n\nALTER TABLE ONLY public.orders\n    ADD CONSTRAINT orders_pkey PRIMARY KEY (id);\n\nGRANT SELECT ON TABLE public.orders TO reporting;\n\n--\n-- PostgreSQL database dump complete\n--\n\n",
        statements: &[
            "COMMENT ON TABLE public.orders IS 'Customer''s orders; one row per checkout'",
            "ALTER TABLE ONLY public.orders\n    ADD CONSTRAINT orders_pkey PRIMARY KEY (id)",
            "GRANT SELECT ON TABLE public.orders TO reporting",
        ],
    },
    Case {
        name: "sqitch-style deploy script with a transaction",
        script: "-- Deploy shop:orders_index to pg\n-- requires: orders\n\nBEGIN;\n\nSET LOCAL lock_timeout = '2s';\nCREATE UNIQUE INDEX orders_number_key ON orders (tenant_id, number);\n\nCOMMIT;\n",
        statements: &[
            "BEGIN",
            "SET LOCAL lock_timeout = '2s'",
            "CREATE UNIQUE INDEX orders_number_key ON orders (tenant_id, number)",
            "COMMIT",
        ],
    },
];

/// Scripts the server rejects, with where it must say the problem is.
pub struct ErrorCase {
    pub name: &'static str,
    pub script: &'static str,
    pub message: &'static str,
    pub line: usize,
    pub column: usize,
}

pub const ERROR_CASES: &[ErrorCase] = &[
    ErrorCase {
        name: "misspelt keyword on the second line",
        script: "SELECT 1;\nALTER TABEL t ADD c int;",
        message: "syntax error at or near \"TABEL\"",
        line: 2,
        column: 7,
    },
    ErrorCase {
        name: "unterminated string",
        script: "SELECT 1;\nSELECT 'abc",
        message: "unterminated quoted string at or near \"'abc\"",
        line: 2,
        column: 8,
    },
    ErrorCase {
        name: "unterminated block comment",
        script: "SELECT 1; /* open",
        message: "unterminated /* comment at or near \"/* open\"",
        line: 1,
        column: 11,
    },
    ErrorCase {
        name: "unterminated dollar quote",
        script: "DO $$ BEGIN",
        message: "unterminated dollar-quoted string at or near \"$$ BEGIN\"",
        line: 1,
        column: 4,
    },
    ErrorCase {
        name: "error after multibyte characters counts characters",
        script: "SELECT 'été';\n  SELEC 1",
        message: "syntax error at or near \"SELEC\"",
        line: 2,
        column: 3,
    },
    ErrorCase {
        name: "error at end of input",
        script: "SELECT (1",
        message: "syntax error at end of input",
        line: 1,
        column: 10,
    },
    ErrorCase {
        name: "zero-length quoted identifier",
        script: "SELECT 1 AS \"\"",
        message: "zero-length delimited identifier at or near \"\"\"\"",
        line: 1,
        column: 13,
    },
    ErrorCase {
        name: "psql meta-command",
        script: "BEGIN;\n\\set ON_ERROR_STOP on\nSELECT 1;",
        message: "syntax error at or near \"\\\"",
        line: 2,
        column: 1,
    },
];
