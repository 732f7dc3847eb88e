-- +goose Up
-- Return requests (R-RET): one row per return, the whole return as a JSON document beside the
-- columns that are searched. A marketplace return is unique by (shop, external id), so a replayed
-- event finds the return it made; a return made in lastmile without one has external_id ''.
CREATE TABLE returns (
    seq             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id              text NOT NULL UNIQUE,
    shop_id         text NOT NULL REFERENCES shops (id),
    external_id     text NOT NULL,
    order_id        text NOT NULL REFERENCES orders (id),
    status          text NOT NULL,
    buyer_key       text NOT NULL,
    tracking_number text NOT NULL, -- the return label's, '' until one is bought
    requested_at    timestamptz NOT NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    doc             jsonb NOT NULL
);
CREATE UNIQUE INDEX returns_external ON returns (shop_id, external_id) WHERE external_id <> '';
CREATE INDEX returns_shop_created ON returns (shop_id, created_at, id);
CREATE INDEX returns_shop_requested ON returns (shop_id, requested_at);
CREATE INDEX returns_buyer ON returns (shop_id, buyer_key, requested_at);
CREATE INDEX returns_order ON returns (order_id);
CREATE INDEX returns_tracking ON returns (tracking_number) WHERE tracking_number <> '';

-- Return labels' documents; the first stored for a (label, format, dpi) stays (R-LBL-6).
CREATE TABLE return_label_documents (
    return_id    text NOT NULL REFERENCES returns (id),
    shipment_id  text NOT NULL,
    format       text NOT NULL,
    dpi          integer NOT NULL,
    content_type text NOT NULL,
    content      bytea NOT NULL,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (shipment_id, format, dpi)
);

-- A shop's refund-without-return rules (R-RET-2), as the JSON document the API takes.
CREATE TABLE return_rules (
    shop_id    text PRIMARY KEY REFERENCES shops (id),
    doc        jsonb NOT NULL,
    updated_at timestamptz NOT NULL
);

-- The return rate per SKU counts the units shipped in a period.
CREATE INDEX stock_movements_ship_at ON stock_movements (shop_id, at) WHERE kind = 'ship';

-- +goose Down
DROP INDEX stock_movements_ship_at;
DROP TABLE return_rules;
DROP TABLE return_label_documents;
DROP TABLE returns;
