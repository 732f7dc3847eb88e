-- +goose Up
-- Carrier webhook deliveries taken (issue 12), remembered by a digest of the signed delivery
-- until a replay of it could no longer pass the signature's time check: a replay inside the
-- window is refused. The hourly sweep forgets the expired ones.
CREATE TABLE carrier_deliveries (
    key        TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX carrier_deliveries_expires ON carrier_deliveries (expires_at);

-- +goose Down
DROP TABLE carrier_deliveries;
