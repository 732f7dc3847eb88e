-- +goose Up
-- Tracking (issue 12): carrier events with their raw and normalised meaning, each shipment's
-- tracking state, the clocks' due-time index, logistics exceptions and deadline alerts.

-- An event's identity is its carrier, tracking number, raw code and second (tracking.EventKey):
-- a replay, or the same event by webhook and poll, is one row.
CREATE TABLE tracking_events (
    carrier         text NOT NULL,
    tracking_number text NOT NULL,
    raw_code        text NOT NULL,
    occurred_sec    bigint NOT NULL,
    occurred_at     timestamptz NOT NULL,
    shipment_id     text NOT NULL REFERENCES shipments (id),
    shop_id         text NOT NULL,
    description     text NOT NULL,
    location        text NOT NULL, -- JSON, '' for none
    status          text NOT NULL,
    reason          text NOT NULL,
    milestones      bigint NOT NULL,
    received_at     timestamptz NOT NULL,
    PRIMARY KEY (carrier, tracking_number, raw_code, occurred_sec)
);
CREATE INDEX tracking_events_shipment ON tracking_events (shipment_id, occurred_at);

CREATE TABLE tracking_states (
    shipment_id     text PRIMARY KEY REFERENCES shipments (id),
    shop_id         text NOT NULL,
    order_id        text NOT NULL,
    carrier         text NOT NULL,
    tracking_number text NOT NULL,
    status          text NOT NULL,
    reason          text NOT NULL,
    first_scan_at   timestamptz,
    last_event_at   timestamptz,
    delivered_at    timestamptz,
    summary         text NOT NULL,
    updated_at      timestamptz NOT NULL
);
CREATE INDEX tracking_states_order ON tracking_states (order_id);

-- Every clock of an order, by key. next_check_at is when the clock alone changes its state;
-- the partial index holds only the clocks still open, so a sweep reads the due ones only.
CREATE TABLE deadlines (
    key           text PRIMARY KEY,
    shop_id       text NOT NULL,
    order_id      text NOT NULL REFERENCES orders (id),
    rule          text NOT NULL,
    name          text NOT NULL,
    subject       text NOT NULL,
    subject_id    text NOT NULL,
    start_at      timestamptz NOT NULL,
    due_at        timestamptz NOT NULL,
    at_risk_at    timestamptz NOT NULL,
    source        text NOT NULL,
    met_at        timestamptz,
    state         text NOT NULL,
    next_check_at timestamptz
);
CREATE INDEX deadlines_order ON deadlines (order_id);
CREATE INDEX deadlines_due ON deadlines (next_check_at) WHERE next_check_at IS NOT NULL;
CREATE INDEX deadlines_shop_due ON deadlines (shop_id, due_at);

CREATE TABLE tracking_exceptions (
    seq             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id              text NOT NULL UNIQUE,
    key             text NOT NULL UNIQUE,
    shop_id         text NOT NULL,
    order_id        text NOT NULL,
    shipment_id     text NOT NULL,
    carrier         text NOT NULL,
    tracking_number text NOT NULL,
    type            text NOT NULL,
    opened_at       timestamptz NOT NULL,
    closed_at       timestamptz,
    raw_code        text NOT NULL,
    description     text NOT NULL,
    action          text NOT NULL,
    resolved_at     timestamptz,
    note            text NOT NULL
);
CREATE INDEX tracking_exceptions_shop ON tracking_exceptions (shop_id, seq);
CREATE INDEX tracking_exceptions_order ON tracking_exceptions (order_id);

-- An alert is raised once per deadline key and kind (at_risk, breached).
CREATE TABLE deadline_alerts (
    seq        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id         text NOT NULL UNIQUE,
    key        text NOT NULL,
    kind       text NOT NULL,
    shop_id    text NOT NULL,
    order_id   text NOT NULL,
    rule       text NOT NULL,
    name       text NOT NULL,
    subject    text NOT NULL,
    subject_id text NOT NULL,
    due_at     timestamptz NOT NULL,
    raised_at  timestamptz NOT NULL,
    message    text NOT NULL,
    UNIQUE (key, kind)
);
CREATE INDEX deadline_alerts_shop ON deadline_alerts (shop_id, seq);
CREATE INDEX deadline_alerts_order ON deadline_alerts (order_id);

-- The sweep's place among changed orders (store.Tracking.GetMark).
CREATE TABLE tracking_marks (
    name        text PRIMARY KEY,
    modified_at timestamptz NOT NULL,
    id          text NOT NULL
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
