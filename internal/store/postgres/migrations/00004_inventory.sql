-- +goose Up
-- Warehouses, stock balances, the append-only stock ledger and order allocations (issue 4).
CREATE TABLE warehouses (
    id         text PRIMARY KEY,
    shop_id    text NOT NULL REFERENCES shops (id),
    code       text NOT NULL,
    doc        jsonb NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    UNIQUE (shop_id, code)
);

-- One row per (warehouse, SKU): the running sum of the ledger. The CHECKs are the last guard of
-- what inventory.Apply already refuses.
CREATE TABLE stock (
    warehouse_id text NOT NULL REFERENCES warehouses (id),
    sku          text NOT NULL,
    shop_id      text NOT NULL REFERENCES shops (id),
    on_hand      bigint NOT NULL CHECK (on_hand >= 0),
    reserved     bigint NOT NULL CHECK (reserved >= 0),
    safety_stock bigint NOT NULL CHECK (safety_stock >= 0),
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (warehouse_id, sku)
);
CREATE INDEX stock_shop_sku ON stock (shop_id, sku, warehouse_id);

-- Append-only: rows are inserted, never updated or deleted.
CREATE TABLE stock_movements (
    seq            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    shop_id        text NOT NULL,
    warehouse_id   text NOT NULL,
    sku            text NOT NULL,
    kind           text NOT NULL,
    quantity       bigint NOT NULL,
    reason         text NOT NULL,
    actor          text NOT NULL,
    at             timestamptz NOT NULL,
    order_id       text NOT NULL,
    on_hand_after  bigint NOT NULL,
    reserved_after bigint NOT NULL,
    safety_after   bigint NOT NULL
);
CREATE INDEX stock_movements_shop_sku ON stock_movements (shop_id, sku, seq);
CREATE INDEX stock_movements_warehouse ON stock_movements (warehouse_id, sku, seq);
CREATE INDEX stock_movements_order ON stock_movements (order_id, seq) WHERE order_id <> '';

CREATE TABLE allocations (
    order_id   text PRIMARY KEY REFERENCES orders (id),
    shop_id    text NOT NULL,
    status     text NOT NULL,
    doc        jsonb NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX allocations_reserved ON allocations (order_id) WHERE status = 'reserved';

-- +goose Down
DROP TABLE allocations;
DROP TABLE stock_movements;
DROP TABLE stock;
DROP TABLE warehouses;
