-- A small multi-tenant SaaS, as it looks after a few years of quick fixes. Its design problems
-- are deliberate: they are what Confiture exists to find and to change safely.
--   * order_items and audit_log have no primary key
--   * users.tenant_id, orders.user_id and invoices.order_id are foreign keys without an index
--   * users has the same index twice; invoices has an index that another one makes redundant
--   * invoices has no tenant_id, unlike every other tenant-owned table
--   * int ids that will run out, varchar(255), char(n), json, timestamp without time zone
--   * "firstName" is not snake_case, and most tables have no comment
--   * emails repeat (duplicate sign-ups, also inside one tenant), so a unique index on
--     users.email, or on (tenant_id, email), would fail

CREATE TABLE tenants (
    id          serial PRIMARY KEY,
    name        varchar(255) NOT NULL,
    plan        text NOT NULL DEFAULT 'free',
    created_at  timestamp NOT NULL DEFAULT now()
);
COMMENT ON TABLE tenants IS 'Customer organisations; every other row belongs to one.';

CREATE TABLE users (
    id           serial PRIMARY KEY,
    tenant_id    int NOT NULL REFERENCES tenants (id),
    email        varchar(255) NOT NULL,
    "firstName"  text,
    created_at   timestamp NOT NULL DEFAULT now()
);
CREATE INDEX users_email_idx ON users (email);
CREATE INDEX users_email_idx1 ON users (email);

CREATE TABLE orders (
    id          serial PRIMARY KEY,
    tenant_id   int NOT NULL REFERENCES tenants (id),
    user_id     int NOT NULL REFERENCES users (id),
    status      char(10) NOT NULL DEFAULT 'new',
    total       numeric(12, 2) NOT NULL,
    created_at  timestamp NOT NULL DEFAULT now()
);
CREATE INDEX orders_tenant_id_idx ON orders (tenant_id);

CREATE TABLE order_items (
    order_id    int NOT NULL REFERENCES orders (id),
    product     text NOT NULL,
    quantity    int NOT NULL,
    unit_price  numeric(12, 2) NOT NULL
);

CREATE TABLE invoices (
    id          int PRIMARY KEY,
    order_id    int NOT NULL REFERENCES orders (id),
    number      int NOT NULL,
    issued_at   timestamp,
    pdf         bytea
);
CREATE INDEX invoices_number_idx ON invoices (number);
CREATE INDEX invoices_number_issued_idx ON invoices (number, issued_at);

CREATE TABLE audit_log (
    at       timestamp NOT NULL DEFAULT now(),
    actor    int,
    action   text NOT NULL,
    payload  json
);

INSERT INTO tenants (name, plan)
SELECT 'Tenant ' || t, (ARRAY['free', 'team', 'enterprise'])[1 + t % 3]
FROM generate_series(1, 20) AS t;

INSERT INTO users (tenant_id, email, "firstName")
SELECT 1 + u % 20, 'user' || (u % 400) || '@example.com', 'User ' || u
FROM generate_series(1, 1000) AS u;

INSERT INTO orders (tenant_id, user_id, status, total, created_at)
SELECT u.tenant_id, u.id, (ARRAY['new', 'paid', 'shipped'])[1 + o % 3], (o % 500) + 0.99,
       now() - make_interval(days => o % 365)
FROM generate_series(1, 50000) AS o
JOIN users AS u ON u.id = 1 + o % 1000;

INSERT INTO order_items (order_id, product, quantity, unit_price)
SELECT 1 + i % 50000, 'Product ' || (i % 97), 1 + i % 4, (i % 90) + 0.5
FROM generate_series(1, 120000) AS i;

INSERT INTO invoices (id, order_id, number, issued_at)
SELECT o, o, 100000 + o, now() - make_interval(days => o % 365)
FROM generate_series(1, 30000) AS o;

INSERT INTO audit_log (actor, action, payload)
SELECT 1 + a % 1000, 'login', json_build_object('ip', '10.0.0.' || a % 250)
FROM generate_series(1, 5000) AS a;

-- Vacuumed and analyzed now, so that autovacuum has no reason to lock a table while the showcase
-- dry-runs migrations on it.
VACUUM ANALYZE;
