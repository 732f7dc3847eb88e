-- +goose Up
-- A batch keeps its items' counts per outcome and their last update, so that GET
-- /v1/batches/{id} reads one row instead of counting a 100,000-item batch at every poll.
-- CreateBatch writes pending = the items it copies in (every item starts pending); the trigger
-- moves one count from the item's old outcome to its new one at every item update, in the
-- update's own transaction, so the counts stay exact under retries, rollbacks and a killed
-- process. The item's row lock orders two updates of one item, so OLD is always the value the
-- count holds.
ALTER TABLE batches
    ADD COLUMN pending integer NOT NULL DEFAULT 0,
    ADD COLUMN shipped integer NOT NULL DEFAULT 0,
    ADD COLUMN failed integer NOT NULL DEFAULT 0,
    ADD COLUMN skipped integer NOT NULL DEFAULT 0,
    ADD COLUMN last_item_at timestamptz;
UPDATE batches b SET pending = c.pending, shipped = c.shipped, failed = c.failed, skipped = c.skipped, last_item_at = c.last
FROM (SELECT batch_id,
        count(*) FILTER (WHERE outcome = 'pending') AS pending,
        count(*) FILTER (WHERE outcome = 'shipped') AS shipped,
        count(*) FILTER (WHERE outcome = 'failed') AS failed,
        count(*) FILTER (WHERE outcome = 'skipped') AS skipped,
        max(updated_at) AS last
    FROM batch_items GROUP BY batch_id) c
WHERE c.batch_id = b.id;
-- +goose StatementBegin
CREATE FUNCTION batch_items_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE batches SET
        pending = pending - (OLD.outcome = 'pending')::int + (NEW.outcome = 'pending')::int,
        shipped = shipped - (OLD.outcome = 'shipped')::int + (NEW.outcome = 'shipped')::int,
        failed = failed - (OLD.outcome = 'failed')::int + (NEW.outcome = 'failed')::int,
        skipped = skipped - (OLD.outcome = 'skipped')::int + (NEW.outcome = 'skipped')::int,
        last_item_at = GREATEST(last_item_at, NEW.updated_at) -- GREATEST skips NULLs
    WHERE id = NEW.batch_id;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER batch_items_count AFTER UPDATE OF outcome, updated_at ON batch_items
    FOR EACH ROW EXECUTE FUNCTION batch_items_count();

-- +goose Down
DROP TRIGGER batch_items_count ON batch_items;
DROP FUNCTION batch_items_count();
ALTER TABLE batches DROP COLUMN last_item_at, DROP COLUMN skipped, DROP COLUMN failed, DROP COLUMN shipped, DROP COLUMN pending;
