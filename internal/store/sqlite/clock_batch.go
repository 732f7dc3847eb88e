package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

// ChangeClocksBatch implements store.ClockBatch.
func (s *Store) ChangeClocksBatch(ctx context.Context, refs []store.OrderRef, fn store.ClockFunc) error {
	if err := store.CheckClockBatch(refs); err != nil || len(refs) == 0 {
		return err
	}
	return s.inTx(ctx, fmt.Sprintf("change clocks of %d orders", len(refs)), func(tx *sql.Tx) error {
		c := newTxStmts(tx)
		defer c.close()
		var jobs []store.Job
		seen := make(map[string]bool, len(refs))
		for _, r := range refs {
			if seen[r.ID] {
				continue
			}
			seen[r.ID] = true
			diff, replace, wrapped := store.DiffingClockFunc(fn)
			err := s.changeClocks(ctx, c, []string{r.ShopID}, r.ID, wrapped, &jobs)
			if errors.Is(err, model.ErrNotFound) {
				continue // gone since it was found due
			}
			if err != nil {
				return err
			}
			if *replace {
				if err := writeDeadlineDiff(ctx, c, r.ShopID, r.ID, *diff); err != nil {
					return err
				}
			}
		}
		return s.insertJobs(ctx, tx, jobs)
	})
}

// writeDeadlineDiff deletes an order's dropped deadlines and writes its new or changed ones
// only. A key held by another order is a conflict.
func writeDeadlineDiff(ctx context.Context, c *txStmts, shopID, orderID string, diff store.DeadlineDiff) error {
	for _, k := range diff.Removed {
		if _, err := c.ExecContext(ctx, `DELETE FROM deadlines WHERE key = ? AND order_id = ?`, k, orderID); err != nil {
			return fmt.Errorf("deadline %s: %w", k, err)
		}
	}
	for _, d := range diff.Written {
		res, err := c.ExecContext(ctx, `INSERT INTO deadlines (key, shop_id, order_id, rule, name, subject, subject_id, start_at,
			due_at, at_risk_at, source, met_at, state, next_check_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET rule = excluded.rule, name = excluded.name, subject = excluded.subject,
			subject_id = excluded.subject_id, start_at = excluded.start_at, due_at = excluded.due_at, at_risk_at = excluded.at_risk_at,
			source = excluded.source, met_at = excluded.met_at, state = excluded.state, next_check_at = excluded.next_check_at
			WHERE deadlines.order_id = excluded.order_id`,
			d.Key, shopID, orderID, d.Rule, d.Name, d.Subject, d.SubjectID, micros(d.StartAt), micros(d.DueAt),
			micros(d.AtRiskAt), d.Source, zmicros(d.MetAt), d.State, zmicros(d.NextCheckAt))
		if err != nil {
			return fmt.Errorf("deadline %s: %w", d.Key, err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return fmt.Errorf("deadline %s held by another order: %w", d.Key, model.ErrConflict)
		}
	}
	return nil
}
