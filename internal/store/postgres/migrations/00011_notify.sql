-- +goose Up
-- Outbound webhooks for ERPs: a shop's subscriptions and each event's delivery to each of them.
-- Deliveries of one subscription and order are made in seq order: at most one is pending, the
-- later ones wait as queued (see store.Webhooks). Writes lock the subscription's row, so the
-- decisions about its queue are made one at a time on any node.
CREATE TABLE webhook_subscriptions (
    id              text PRIMARY KEY,
    shop_id         text NOT NULL REFERENCES shops (id),
    url             text NOT NULL,
    events          jsonb NOT NULL, -- array of event types or "*"
    secret          text NOT NULL,
    enabled         boolean NOT NULL,
    disabled_reason text NOT NULL,
    disabled_at     timestamptz,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);
CREATE INDEX webhook_subscriptions_shop ON webhook_subscriptions (shop_id, created_at, id);

CREATE TABLE webhook_deliveries (
    seq             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id              text NOT NULL UNIQUE,
    shop_id         text NOT NULL,
    subscription_id text NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
    event_id        text NOT NULL,
    event_type      text NOT NULL,
    order_id        text NOT NULL, -- '' when the event has no order
    status          text NOT NULL,
    attempts        integer NOT NULL,
    body            bytea NOT NULL,
    created_at      timestamptz NOT NULL,
    next_attempt_at timestamptz,
    last_attempt_at timestamptz,
    last_status     integer NOT NULL,
    last_error      text NOT NULL,
    delivered_at    timestamptz,
    UNIQUE (subscription_id, event_id)
);
CREATE INDEX webhook_deliveries_open ON webhook_deliveries (subscription_id, seq) WHERE status IN ('queued', 'pending');
CREATE INDEX webhook_deliveries_shop ON webhook_deliveries (shop_id, created_at, id);

-- Buyer messages (R-MKT-3, R-TRK-7): a shop's own templates, and every message, unique per
-- (event, channel) so that none is sent twice.
CREATE TABLE message_templates (
    shop_id    text NOT NULL REFERENCES shops (id),
    kind       text NOT NULL,
    language   text NOT NULL,
    subject    text NOT NULL,
    body       text NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (shop_id, kind, language)
);

CREATE TABLE buyer_messages (
    seq          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id           text NOT NULL UNIQUE,
    shop_id      text NOT NULL REFERENCES shops (id),
    order_id     text NOT NULL,
    event_id     text NOT NULL,
    kind         text NOT NULL,
    channel      text NOT NULL,
    language     text NOT NULL,
    recipient    text NOT NULL,
    subject      text NOT NULL,
    body         text NOT NULL,
    status       text NOT NULL,
    scheduled_at timestamptz NOT NULL,
    sent_at      timestamptz,
    error        text NOT NULL,
    created_at   timestamptz NOT NULL,
    UNIQUE (event_id, channel)
);
CREATE INDEX buyer_messages_shop_order ON buyer_messages (shop_id, order_id, seq);

-- +goose Down
DROP TABLE buyer_messages;
DROP TABLE message_templates;
DROP TABLE webhook_deliveries;
DROP TABLE webhook_subscriptions;
