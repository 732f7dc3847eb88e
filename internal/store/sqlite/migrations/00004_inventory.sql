-- +goose Up
-- Warehouses, stock balances, the append-only stock ledger and order allocations (issue 4).
CREATE TABLE warehouses (
    id         TEXT PRIMARY KEY,
    shop_id    TEXT NOT NULL REFERENCES shops (id),
    code       TEXT NOT NULL,
    doc        TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (shop_id, code)
) STRICT;

-- One row per (warehouse, SKU): the running sum of the ledger. The CHECKs are the last guard of
-- what inventory.Apply already refuses.
CREATE TABLE stock (
    warehouse_id TEXT NOT NULL REFERENCES warehouses (id),
    sku          TEXT NOT NULL,
    shop_id      TEXT NOT NULL REFERENCES shops (id),
    on_hand      INTEGER NOT NULL CHECK (on_hand >= 0),
    reserved     INTEGER NOT NULL CHECK (reserved >= 0),
    safety_stock INTEGER NOT NULL CHECK (safety_stock >= 0),
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (warehouse_id, sku)
) STRICT;
CREATE INDEX stock_shop_sku ON stock (shop_id, sku, warehouse_id);

-- Append-only: rows are inserted, never updated or deleted.
CREATE TABLE stock_movements (
    seq            INTEGER PRIMARY KEY,
    shop_id        TEXT NOT NULL,
    warehouse_id   TEXT NOT NULL,
    sku            TEXT NOT NULL,
    kind           TEXT NOT NULL,
    quantity       INTEGER NOT NULL,
    reason         TEXT NOT NULL,
    actor          TEXT NOT NULL,
    at             INTEGER NOT NULL,
    order_id       TEXT NOT NULL,
    on_hand_after  INTEGER NOT NULL,
    reserved_after INTEGER NOT NULL,
    safety_after   INTEGER NOT NULL
) STRICT;
CREATE INDEX stock_movements_shop_sku ON stock_movements (shop_id, sku, seq);
CREATE INDEX stock_movements_warehouse ON stock_movements (warehouse_id, sku, seq);
CREATE INDEX stock_movements_order ON stock_movements (order_id, seq) WHERE order_id <> '';

CREATE TABLE allocations (
    order_id   TEXT PRIMARY KEY REFERENCES orders (id),
    shop_id    TEXT NOT NULL,
    status     TEXT NOT NULL,
    doc        TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX allocations_reserved ON allocations (order_id) WHERE status = 'reserved';

-- +goose Down
DROP TABLE allocations;
DROP TABLE stock_movements;
DROP TABLE stock;
DROP TABLE warehouses;
