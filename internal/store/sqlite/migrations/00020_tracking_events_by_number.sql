-- +goose Up
-- A shipment's events are read by its carrier and tracking number, the primary key's prefix
-- (a shipment keeps both once it has a number: store.CheckShippingChange), so the index by
-- shipment is dropped: one b-tree fewer written per ingested event (issue 12).
DROP INDEX tracking_events_shipment;

-- +goose Down
CREATE INDEX tracking_events_shipment ON tracking_events (shipment_id, occurred_at);
