-- +goose Up
-- R-ORD-6: an order that fails its checks is held, not dropped. Held orders are few, so a partial
-- index lists them without reading the rest.
ALTER TABLE orders ADD COLUMN needs_attention INTEGER NOT NULL DEFAULT 0;
CREATE INDEX orders_shop_attention ON orders (shop_id, modified_at, id) WHERE needs_attention = 1;

-- +goose Down
DROP INDEX orders_shop_attention;
ALTER TABLE orders DROP COLUMN needs_attention;
