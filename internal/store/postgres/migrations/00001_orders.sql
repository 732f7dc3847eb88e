-- +goose Up
CREATE TABLE shops (
    id         text PRIMARY KEY,
    name       text NOT NULL,
    market     text NOT NULL,
    time_zone  text NOT NULL,
    created_at timestamptz NOT NULL
);

CREATE TABLE api_keys (
    id         text PRIMARY KEY,
    name       text NOT NULL,
    hash       bytea NOT NULL,
    created_at timestamptz NOT NULL,
    revoked_at timestamptz
);

CREATE TABLE api_key_shops (
    key_id  text NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
    shop_id text NOT NULL REFERENCES shops (id),
    PRIMARY KEY (key_id, shop_id)
);

CREATE TABLE orders (
    id           text PRIMARY KEY,
    shop_id      text NOT NULL REFERENCES shops (id),
    external_id  text NOT NULL,
    market       text NOT NULL,
    currency     text NOT NULL,
    status       text NOT NULL,
    created_at   timestamptz NOT NULL,
    paid_at      timestamptz,
    updated_at   timestamptz NOT NULL,
    confirmed_at timestamptz,
    received_at  timestamptz NOT NULL,
    modified_at  timestamptz NOT NULL,
    version      bigint NOT NULL,
    doc          jsonb NOT NULL,
    UNIQUE (shop_id, external_id)
);
CREATE INDEX orders_shop_modified ON orders (shop_id, modified_at, id);
CREATE INDEX orders_shop_status_modified ON orders (shop_id, status, modified_at, id);

CREATE TABLE idempotency_keys (
    key_id       text NOT NULL,
    key          text NOT NULL,
    request_hash text NOT NULL,
    created_at   timestamptz NOT NULL,
    lease_until  timestamptz NOT NULL,
    done         boolean NOT NULL DEFAULT false,
    status       integer NOT NULL DEFAULT 0,
    body         bytea,
    PRIMARY KEY (key_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- +goose Down
DROP TABLE idempotency_keys;
DROP TABLE orders;
DROP TABLE api_key_shops;
DROP TABLE api_keys;
DROP TABLE shops;
