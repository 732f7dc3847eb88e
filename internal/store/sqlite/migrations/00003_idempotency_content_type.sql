-- +goose Up
-- A replayed response must say what it is: labels are PDF, ZPL or PNG, import results CSV.
ALTER TABLE idempotency_keys ADD COLUMN content_type TEXT NOT NULL DEFAULT 'application/json';

-- +goose Down
ALTER TABLE idempotency_keys DROP COLUMN content_type;
