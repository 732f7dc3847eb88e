-- +goose Up
-- Tracking (issue 12): carrier events with their raw and normalised meaning, each shipment's
-- tracking state, the clocks' due-time index, logistics exceptions and deadline alerts.

-- An event's identity is its carrier, tracking number, raw code and second (tracking.EventKey):
-- a replay, or the same event by webhook and poll, is one row.
CREATE TABLE tracking_events (
    carrier         TEXT NOT NULL,
    tracking_number TEXT NOT NULL,
    raw_code        TEXT NOT NULL,
    occurred_sec    INTEGER NOT NULL,
    occurred_at     INTEGER NOT NULL,
    shipment_id     TEXT NOT NULL REFERENCES shipments (id),
    shop_id         TEXT NOT NULL,
    description     TEXT NOT NULL,
    location        TEXT NOT NULL, -- JSON, '' for none
    status          TEXT NOT NULL,
    reason          TEXT NOT NULL,
    milestones      INTEGER NOT NULL,
    received_at     INTEGER NOT NULL,
    PRIMARY KEY (carrier, tracking_number, raw_code, occurred_sec)
) STRICT, WITHOUT ROWID;
CREATE INDEX tracking_events_shipment ON tracking_events (shipment_id, occurred_at);

CREATE TABLE tracking_states (
    shipment_id     TEXT PRIMARY KEY REFERENCES shipments (id),
    shop_id         TEXT NOT NULL,
    order_id        TEXT NOT NULL,
    carrier         TEXT NOT NULL,
    tracking_number TEXT NOT NULL,
    status          TEXT NOT NULL,
    reason          TEXT NOT NULL,
    first_scan_at   INTEGER,
    last_event_at   INTEGER,
    delivered_at    INTEGER,
    summary         TEXT NOT NULL,
    updated_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX tracking_states_order ON tracking_states (order_id);

-- Every clock of an order, by key. next_check_at is when the clock alone changes its state;
-- the partial index holds only the clocks still open, so a sweep reads the due ones only.
CREATE TABLE deadlines (
    key           TEXT PRIMARY KEY,
    shop_id       TEXT NOT NULL,
    order_id      TEXT NOT NULL REFERENCES orders (id),
    rule          TEXT NOT NULL,
    name          TEXT NOT NULL,
    subject       TEXT NOT NULL,
    subject_id    TEXT NOT NULL,
    start_at      INTEGER NOT NULL,
    due_at        INTEGER NOT NULL,
    at_risk_at    INTEGER NOT NULL,
    source        TEXT NOT NULL,
    met_at        INTEGER,
    state         TEXT NOT NULL,
    next_check_at INTEGER
) STRICT;
CREATE INDEX deadlines_order ON deadlines (order_id);
CREATE INDEX deadlines_due ON deadlines (next_check_at) WHERE next_check_at IS NOT NULL;
CREATE INDEX deadlines_shop_due ON deadlines (shop_id, due_at);

CREATE TABLE tracking_exceptions (
    seq             INTEGER PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE,
    key             TEXT NOT NULL UNIQUE,
    shop_id         TEXT NOT NULL,
    order_id        TEXT NOT NULL,
    shipment_id     TEXT NOT NULL,
    carrier         TEXT NOT NULL,
    tracking_number TEXT NOT NULL,
    type            TEXT NOT NULL,
    opened_at       INTEGER NOT NULL,
    closed_at       INTEGER,
    raw_code        TEXT NOT NULL,
    description     TEXT NOT NULL,
    action          TEXT NOT NULL,
    resolved_at     INTEGER,
    note            TEXT NOT NULL
) STRICT;
CREATE INDEX tracking_exceptions_shop ON tracking_exceptions (shop_id, seq);
CREATE INDEX tracking_exceptions_order ON tracking_exceptions (order_id);

-- An alert is raised once per deadline key and kind (at_risk, breached).
CREATE TABLE deadline_alerts (
    seq        INTEGER PRIMARY KEY,
    id         TEXT NOT NULL UNIQUE,
    key        TEXT NOT NULL,
    kind       TEXT NOT NULL,
    shop_id    TEXT NOT NULL,
    order_id   TEXT NOT NULL,
    rule       TEXT NOT NULL,
    name       TEXT NOT NULL,
    subject    TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    due_at     INTEGER NOT NULL,
    raised_at  INTEGER NOT NULL,
    message    TEXT NOT NULL,
    UNIQUE (key, kind)
) STRICT;
CREATE INDEX deadline_alerts_shop ON deadline_alerts (shop_id, seq);
CREATE INDEX deadline_alerts_order ON deadline_alerts (order_id);

-- The sweep's place among changed orders (store.Tracking.GetMark).
CREATE TABLE tracking_marks (
    name        TEXT PRIMARY KEY,
    modified_at INTEGER NOT NULL,
    id          TEXT NOT NULL
);
CREATE INDEX orders_modified ON orders (modified_at, id);

-- +goose Down
DROP INDEX orders_modified;
DROP TABLE tracking_marks;
DROP TABLE deadline_alerts;
DROP TABLE tracking_exceptions;
DROP TABLE deadlines;
DROP TABLE tracking_states;
DROP TABLE tracking_events;
