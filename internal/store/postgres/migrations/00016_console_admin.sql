-- +goose Up
-- The console's settings (issue 14): when each API key was last used (written at most once a
-- minute per key), a shop's keys found by its grants, and the deadlines at risk or breached
-- now found by shop and due time without reading the shop's other deadlines.
ALTER TABLE api_keys ADD COLUMN last_used_at timestamptz;
CREATE INDEX api_key_shops_shop ON api_key_shops (shop_id);
CREATE INDEX deadlines_open ON deadlines (shop_id, state, due_at, key) WHERE met_at IS NULL AND state IN ('at_risk', 'breached');

-- +goose Down
DROP INDEX deadlines_open;
DROP INDEX api_key_shops_shop;
ALTER TABLE api_keys DROP COLUMN last_used_at;
