-- +goose Up
-- Outbound webhooks for ERPs: a shop's subscriptions and each event's delivery to each of them.
-- Deliveries of one subscription and order are made in seq order: at most one is pending, the
-- later ones wait as queued (see store.Webhooks).
CREATE TABLE webhook_subscriptions (
    id              TEXT PRIMARY KEY,
    shop_id         TEXT NOT NULL REFERENCES shops (id),
    url             TEXT NOT NULL,
    events          TEXT NOT NULL, -- JSON array of event types or "*"
    secret          TEXT NOT NULL,
    enabled         INTEGER NOT NULL,
    disabled_reason TEXT NOT NULL,
    disabled_at     INTEGER,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX webhook_subscriptions_shop ON webhook_subscriptions (shop_id, created_at, id);

CREATE TABLE webhook_deliveries (
    seq             INTEGER PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE,
    shop_id         TEXT NOT NULL,
    subscription_id TEXT NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
    event_id        TEXT NOT NULL,
    event_type      TEXT NOT NULL,
    order_id        TEXT NOT NULL, -- '' when the event has no order
    status          TEXT NOT NULL,
    attempts        INTEGER NOT NULL,
    body            BLOB NOT NULL,
    created_at      INTEGER NOT NULL,
    next_attempt_at INTEGER,
    last_attempt_at INTEGER,
    last_status     INTEGER NOT NULL,
    last_error      TEXT NOT NULL,
    delivered_at    INTEGER,
    UNIQUE (subscription_id, event_id)
) STRICT;
CREATE INDEX webhook_deliveries_open ON webhook_deliveries (subscription_id, seq) WHERE status IN ('queued', 'pending');
CREATE INDEX webhook_deliveries_shop ON webhook_deliveries (shop_id, created_at, id);

-- Buyer messages (R-MKT-3, R-TRK-7): a shop's own templates, and every message, unique per
-- (event, channel) so that none is sent twice.
CREATE TABLE message_templates (
    shop_id    TEXT NOT NULL REFERENCES shops (id),
    kind       TEXT NOT NULL,
    language   TEXT NOT NULL,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (shop_id, kind, language)
) STRICT;

CREATE TABLE buyer_messages (
    seq          INTEGER PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    shop_id      TEXT NOT NULL REFERENCES shops (id),
    order_id     TEXT NOT NULL,
    event_id     TEXT NOT NULL,
    kind         TEXT NOT NULL,
    channel      TEXT NOT NULL,
    language     TEXT NOT NULL,
    recipient    TEXT NOT NULL,
    subject      TEXT NOT NULL,
    body         TEXT NOT NULL,
    status       TEXT NOT NULL,
    scheduled_at INTEGER NOT NULL,
    sent_at      INTEGER,
    error        TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    UNIQUE (event_id, channel)
) STRICT;
CREATE INDEX buyer_messages_shop_order ON buyer_messages (shop_id, order_id, seq);

-- +goose Down
DROP TABLE buyer_messages;
DROP TABLE message_templates;
DROP TABLE webhook_deliveries;
DROP TABLE webhook_subscriptions;
