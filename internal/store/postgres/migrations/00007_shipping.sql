-- +goose Up
-- Packages, shipments, label documents, batches and manifests (issue 11). seq columns keep
-- creation order; ids are the keys other tables and the API use.
CREATE TABLE packages (
    seq          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id           text NOT NULL UNIQUE,
    shop_id      text NOT NULL REFERENCES shops (id),
    order_id     text NOT NULL REFERENCES orders (id),
    warehouse_id text NOT NULL,
    mode         text NOT NULL,
    box          text NOT NULL,
    weight_g     bigint NOT NULL,
    length_mm    bigint NOT NULL,
    width_mm     bigint NOT NULL,
    height_mm    bigint NOT NULL,
    lines        jsonb NOT NULL, -- [{"sku","quantity"}]
    cod          jsonb,          -- model.Money: the amount this parcel collects (R-MKT-2)
    created_at   timestamptz NOT NULL
);
CREATE INDEX packages_order ON packages (order_id, seq);

CREATE TABLE shipments (
    seq                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id                  text NOT NULL UNIQUE,
    shop_id             text NOT NULL REFERENCES shops (id),
    order_id            text NOT NULL REFERENCES orders (id),
    package_id          text NOT NULL REFERENCES packages (id),
    status              text NOT NULL,
    mode                text NOT NULL,
    carrier             text NOT NULL,
    service             text NOT NULL,
    tracking_number     text NOT NULL, -- '' until the label is bought
    carrier_shipment_id text NOT NULL,
    label_format        text NOT NULL,
    quote               jsonb,         -- model.Cost
    cost                jsonb,         -- model.Cost
    failure             jsonb,         -- model.FieldError
    manifest_id         text NOT NULL, -- '' when on none
    batch_id            text NOT NULL, -- '' when shipped alone
    created_at          timestamptz NOT NULL,
    purchased_at        timestamptz,
    voided_at           timestamptz,
    updated_at          timestamptz NOT NULL
);
-- A package has at most one live shipment: a label is never bought twice for one parcel.
CREATE UNIQUE INDEX shipments_live_package ON shipments (package_id) WHERE status NOT IN ('voided', 'failed');
CREATE INDEX shipments_order ON shipments (order_id, seq);
CREATE INDEX shipments_tracking ON shipments (tracking_number);
CREATE INDEX shipments_shop_created ON shipments (shop_id, created_at, id);
CREATE INDEX shipments_batch ON shipments (batch_id, created_at, id);
CREATE INDEX shipments_manifest ON shipments (manifest_id);

-- The first document stored for a (shipment, format, dpi) stays: a reprint is the same bytes.
CREATE TABLE label_documents (
    shipment_id  text NOT NULL REFERENCES shipments (id),
    format       text NOT NULL,
    dpi          integer NOT NULL,
    content_type text NOT NULL,
    content      bytea NOT NULL,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (shipment_id, format, dpi)
);

-- A batch keeps no counts: they are worked out from its items (no row that every worker
-- updates). dispatched is the dispatch mark: items with a lower seq were handed out.
CREATE TABLE batches (
    id         text PRIMARY KEY,
    shop_id    text NOT NULL REFERENCES shops (id),
    kind       text NOT NULL,
    options    jsonb, -- as the client sent it
    dispatched integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL
);
CREATE INDEX batches_shop_created ON batches (shop_id, created_at, id);

-- No foreign key to batches: CreateBatch inserts a batch's items with the batch, in one
-- transaction, and nothing deletes a batch; checking 100,000 items against it one by one took
-- three quarters of the insert on PostgreSQL.
CREATE TABLE batch_items (
    batch_id         text NOT NULL,
    seq              integer NOT NULL,
    order_id         text NOT NULL,
    outcome          text NOT NULL DEFAULT 'pending',
    shipment_ids     text[],
    tracking_numbers text[],
    error            jsonb, -- model.FieldError
    updated_at       timestamptz,
    PRIMARY KEY (batch_id, seq)
);
-- GetBatch counts a batch's items per outcome, and finds its last update, from this index alone.
CREATE INDEX batch_items_outcome ON batch_items (batch_id, outcome, updated_at);

CREATE TABLE manifests (
    id             text PRIMARY KEY,
    shop_id        text NOT NULL REFERENCES shops (id),
    carrier        text NOT NULL,
    warehouse_id   text NOT NULL,
    ship_date      text NOT NULL,
    carrier_ref    text NOT NULL,
    pickup         text NOT NULL,
    created_at     timestamptz NOT NULL,
    handed_over_at timestamptz
);

-- +goose Down
DROP TABLE manifests;
DROP TABLE batch_items;
DROP TABLE batches;
DROP TABLE label_documents;
DROP TABLE shipments;
DROP TABLE packages;
