-- +goose Up
-- Packages, shipments, label documents, batches and manifests (issue 11). seq columns keep
-- creation order; ids are the keys other tables and the API use.
CREATE TABLE packages (
    seq          INTEGER PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    shop_id      TEXT NOT NULL REFERENCES shops (id),
    order_id     TEXT NOT NULL REFERENCES orders (id),
    warehouse_id TEXT NOT NULL,
    mode         TEXT NOT NULL,
    box          TEXT NOT NULL,
    weight_g     INTEGER NOT NULL,
    length_mm    INTEGER NOT NULL,
    width_mm     INTEGER NOT NULL,
    height_mm    INTEGER NOT NULL,
    lines        TEXT NOT NULL, -- JSON: [{"sku","quantity"}]
    cod          TEXT,          -- JSON model.Money: the amount this parcel collects (R-MKT-2)
    created_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX packages_order ON packages (order_id, seq);

CREATE TABLE shipments (
    seq                 INTEGER PRIMARY KEY,
    id                  TEXT NOT NULL UNIQUE,
    shop_id             TEXT NOT NULL REFERENCES shops (id),
    order_id            TEXT NOT NULL REFERENCES orders (id),
    package_id          TEXT NOT NULL REFERENCES packages (id),
    status              TEXT NOT NULL,
    mode                TEXT NOT NULL,
    carrier             TEXT NOT NULL,
    service             TEXT NOT NULL,
    tracking_number     TEXT NOT NULL, -- '' until the label is bought
    carrier_shipment_id TEXT NOT NULL,
    label_format        TEXT NOT NULL,
    quote               TEXT,          -- JSON model.Cost
    cost                TEXT,          -- JSON model.Cost
    failure             TEXT,          -- JSON model.FieldError
    manifest_id         TEXT NOT NULL, -- '' when on none
    batch_id            TEXT NOT NULL, -- '' when shipped alone
    created_at          INTEGER NOT NULL,
    purchased_at        INTEGER,
    voided_at           INTEGER,
    updated_at          INTEGER NOT NULL
) STRICT;
-- A package has at most one live shipment: a label is never bought twice for one parcel.
CREATE UNIQUE INDEX shipments_live_package ON shipments (package_id) WHERE status NOT IN ('voided', 'failed');
CREATE INDEX shipments_order ON shipments (order_id, seq);
CREATE INDEX shipments_tracking ON shipments (tracking_number);
CREATE INDEX shipments_shop_created ON shipments (shop_id, created_at, id);
CREATE INDEX shipments_batch ON shipments (batch_id, created_at, id);
CREATE INDEX shipments_manifest ON shipments (manifest_id);

-- The first document stored for a (shipment, format, dpi) stays: a reprint is the same bytes.
CREATE TABLE label_documents (
    shipment_id  TEXT NOT NULL REFERENCES shipments (id),
    format       TEXT NOT NULL,
    dpi          INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    content      BLOB NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (shipment_id, format, dpi)
) STRICT;

-- A batch keeps no counts: they are worked out from its items (no row that every worker
-- updates). dispatched is the dispatch mark: items with a lower seq were handed out.
CREATE TABLE batches (
    id         TEXT PRIMARY KEY,
    shop_id    TEXT NOT NULL REFERENCES shops (id),
    kind       TEXT NOT NULL,
    options    TEXT, -- JSON as the client sent it
    dispatched INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX batches_shop_created ON batches (shop_id, created_at, id);

-- No foreign key to batches: CreateBatch inserts a batch's items with the batch, in one
-- transaction, and nothing deletes a batch; checking 100,000 items against it one by one took
-- three quarters of the insert on PostgreSQL.
CREATE TABLE batch_items (
    batch_id         TEXT NOT NULL,
    seq              INTEGER NOT NULL,
    order_id         TEXT NOT NULL,
    outcome          TEXT NOT NULL DEFAULT 'pending',
    shipment_ids     TEXT, -- JSON array
    tracking_numbers TEXT, -- JSON array
    error            TEXT, -- JSON model.FieldError
    updated_at       INTEGER,
    PRIMARY KEY (batch_id, seq)
) STRICT, WITHOUT ROWID;
-- GetBatch counts a batch's items per outcome, and finds its last update, from this index alone.
CREATE INDEX batch_items_outcome ON batch_items (batch_id, outcome, updated_at);

CREATE TABLE manifests (
    id             TEXT PRIMARY KEY,
    shop_id        TEXT NOT NULL REFERENCES shops (id),
    carrier        TEXT NOT NULL,
    warehouse_id   TEXT NOT NULL,
    ship_date      TEXT NOT NULL,
    carrier_ref    TEXT NOT NULL,
    pickup         TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    handed_over_at INTEGER
) STRICT;

-- +goose Down
DROP TABLE manifests;
DROP TABLE batch_items;
DROP TABLE batches;
DROP TABLE label_documents;
DROP TABLE shipments;
DROP TABLE packages;
