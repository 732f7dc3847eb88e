-- +goose Up
-- Marketplace connections (TikTok Shop, R-API-1/R-API-2): one row per connected platform shop,
-- unique by (platform, external shop id), the whole connection as a JSON document beside the
-- columns that are searched. The seller's tokens are sealed (AES-GCM under the configured
-- key) before they reach this table and live only in the tokens column, never in doc.
CREATE TABLE connections (
    id               text PRIMARY KEY,
    shop_id          text NOT NULL REFERENCES shops (id),
    platform         text NOT NULL,
    external_shop_id text NOT NULL,
    status           text NOT NULL,
    tokens           bytea NOT NULL,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    doc              jsonb NOT NULL
);
CREATE UNIQUE INDEX connections_external ON connections (platform, external_shop_id);
CREATE INDEX connections_shop ON connections (shop_id);

-- +goose Down
DROP TABLE connections;
