-- +goose Up
-- Times are INTEGER microseconds since the Unix epoch, UTC, so they sort and compare exactly.
CREATE TABLE shops (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    market     TEXT NOT NULL,
    time_zone  TEXT NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE api_keys (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    hash       BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
) STRICT;

CREATE TABLE api_key_shops (
    key_id  TEXT NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
    shop_id TEXT NOT NULL REFERENCES shops (id),
    PRIMARY KEY (key_id, shop_id)
) STRICT;

CREATE TABLE orders (
    id           TEXT PRIMARY KEY,
    shop_id      TEXT NOT NULL REFERENCES shops (id),
    external_id  TEXT NOT NULL,
    market       TEXT NOT NULL,
    currency     TEXT NOT NULL,
    status       TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    paid_at      INTEGER,
    updated_at   INTEGER NOT NULL,
    confirmed_at INTEGER,
    received_at  INTEGER NOT NULL,
    modified_at  INTEGER NOT NULL,
    version      INTEGER NOT NULL,
    doc          TEXT NOT NULL,
    UNIQUE (shop_id, external_id)
) STRICT;
CREATE INDEX orders_shop_modified ON orders (shop_id, modified_at, id);
CREATE INDEX orders_shop_status_modified ON orders (shop_id, status, modified_at, id);

CREATE TABLE idempotency_keys (
    key_id       TEXT NOT NULL,
    key          TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    lease_until  INTEGER NOT NULL,
    done         INTEGER NOT NULL DEFAULT 0,
    status       INTEGER NOT NULL DEFAULT 0,
    body         BLOB,
    PRIMARY KEY (key_id, key)
) STRICT;
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- +goose Down
DROP TABLE idempotency_keys;
DROP TABLE orders;
DROP TABLE api_key_shops;
DROP TABLE api_keys;
DROP TABLE shops;
