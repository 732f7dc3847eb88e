-- +goose Up
-- A batch keeps its items' counts per outcome and their last update, so that GET
-- /v1/batches/{id} reads one row instead of counting a 100,000-item batch at every poll.
-- CreateBatch writes pending = the items it inserts (every item starts pending); the trigger
-- moves one count from the item's old outcome to its new one at every item update, in the
-- update's own transaction, so the counts stay exact under retries, rollbacks and a killed
-- process (a rolled-back item write rolls its count back with it).
ALTER TABLE batches ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;
ALTER TABLE batches ADD COLUMN shipped INTEGER NOT NULL DEFAULT 0;
ALTER TABLE batches ADD COLUMN failed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE batches ADD COLUMN skipped INTEGER NOT NULL DEFAULT 0;
ALTER TABLE batches ADD COLUMN last_item_at INTEGER;
UPDATE batches SET
    pending = (SELECT count(*) FROM batch_items i WHERE i.batch_id = batches.id AND i.outcome = 'pending'),
    shipped = (SELECT count(*) FROM batch_items i WHERE i.batch_id = batches.id AND i.outcome = 'shipped'),
    failed = (SELECT count(*) FROM batch_items i WHERE i.batch_id = batches.id AND i.outcome = 'failed'),
    skipped = (SELECT count(*) FROM batch_items i WHERE i.batch_id = batches.id AND i.outcome = 'skipped'),
    last_item_at = (SELECT max(updated_at) FROM batch_items i WHERE i.batch_id = batches.id);
-- +goose StatementBegin
CREATE TRIGGER batch_items_count AFTER UPDATE OF outcome, updated_at ON batch_items
BEGIN
    UPDATE batches SET
        pending = pending - (OLD.outcome = 'pending') + (NEW.outcome = 'pending'),
        shipped = shipped - (OLD.outcome = 'shipped') + (NEW.outcome = 'shipped'),
        failed = failed - (OLD.outcome = 'failed') + (NEW.outcome = 'failed'),
        skipped = skipped - (OLD.outcome = 'skipped') + (NEW.outcome = 'skipped'),
        last_item_at = CASE WHEN last_item_at IS NULL OR NEW.updated_at > last_item_at THEN NEW.updated_at ELSE last_item_at END
    WHERE id = NEW.batch_id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER batch_items_count;
ALTER TABLE batches DROP COLUMN last_item_at;
ALTER TABLE batches DROP COLUMN skipped;
ALTER TABLE batches DROP COLUMN failed;
ALTER TABLE batches DROP COLUMN shipped;
ALTER TABLE batches DROP COLUMN pending;
