-- +goose Up
-- Marketplace connections (TikTok Shop, R-API-1/R-API-2): one row per connected platform shop,
-- unique by (platform, external shop id), the whole connection as a JSON document beside the
-- columns that are searched. The seller's tokens are sealed (AES-GCM under the configured
-- key) before they reach this table and live only in the tokens column, never in doc.
CREATE TABLE connections (
    id               TEXT PRIMARY KEY,
    shop_id          TEXT NOT NULL REFERENCES shops (id),
    platform         TEXT NOT NULL,
    external_shop_id TEXT NOT NULL,
    status           TEXT NOT NULL,
    tokens           BLOB NOT NULL,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    doc              TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX connections_external ON connections (platform, external_shop_id);
CREATE INDEX connections_shop ON connections (shop_id);

-- +goose Down
DROP TABLE connections;
