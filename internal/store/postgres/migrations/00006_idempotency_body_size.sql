-- +goose Up
-- A response too large to keep for replay is recorded by its size, without its bytes (a 2,000-label
-- PDF would otherwise sit in the database for a day). 0: the body is kept whole.
ALTER TABLE idempotency_keys ADD COLUMN body_size bigint NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE idempotency_keys DROP COLUMN body_size;
