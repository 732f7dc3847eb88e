-- +goose Up
-- A response too large to keep for replay is recorded by its size, without its bytes (a 2,000-label
-- PDF would otherwise sit in the database for a day). 0: the body is kept whole.
ALTER TABLE idempotency_keys ADD COLUMN body_size bigint NOT NULL DEFAULT 0;
-- lastmile's own response headers and trailers (Lastmile-Outcome, Lastmile-Import-Summary), as JSON,
-- so that a replay says what the first answer said.
ALTER TABLE idempotency_keys ADD COLUMN headers text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE idempotency_keys DROP COLUMN headers;
ALTER TABLE idempotency_keys DROP COLUMN body_size;
