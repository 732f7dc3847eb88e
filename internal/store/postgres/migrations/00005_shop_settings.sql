-- +goose Up
-- A shop's own settings: its overrides of the market's figures (key → value, as in the
-- configuration file) and its shipping-mode history (R-MODE-3), both JSON. One row per shop that
-- ever stored any.
CREATE TABLE shop_settings (
    shop_id      text PRIMARY KEY REFERENCES shops (id),
    overrides    jsonb NOT NULL,
    mode_changes jsonb NOT NULL,
    updated_at   timestamptz NOT NULL
);

-- +goose Down
DROP TABLE shop_settings;
