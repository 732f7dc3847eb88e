package postgres

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

// ChangeClocksBatch implements store.ClockBatch. The orders are locked in id order, so two
// batches (or a batch and an ingest) cannot wait on each other in a cycle for long: PostgreSQL
// aborts a deadlock and inTx runs the batch again.
func (s *Store) ChangeClocksBatch(ctx context.Context, refs []store.OrderRef, fn store.ClockFunc) error {
	if err := store.CheckClockBatch(refs); err != nil || len(refs) == 0 {
		return err
	}
	sorted := slices.SortedFunc(slices.Values(refs), func(a, b store.OrderRef) int { return cmp.Compare(a.ID, b.ID) })
	sorted = slices.CompactFunc(sorted, func(a, b store.OrderRef) bool { return a.ID == b.ID })
	return textError(s.inTx(ctx, fmt.Sprintf("change clocks of %d orders", len(sorted)), func(tx pgx.Tx) error {
		var jobs []store.Job
		for _, r := range sorted {
			diff, replace, wrapped := store.DiffingClockFunc(fn)
			err := s.changeClocks(ctx, tx, []string{r.ShopID}, r.ID, wrapped, &jobs)
			if errors.Is(err, model.ErrNotFound) {
				continue // gone since it was found due
			}
			if err != nil {
				return err
			}
			if *replace {
				if err := writeDeadlineDiff(ctx, tx, r.ShopID, r.ID, *diff); err != nil {
					return err
				}
			}
		}
		return s.insertJobs(ctx, tx, jobs)
	}))
}

// writeDeadlineDiff deletes an order's dropped deadlines and writes its new or changed ones
// only. A key held by another order is a conflict.
func writeDeadlineDiff(ctx context.Context, tx pgx.Tx, shopID, orderID string, diff store.DeadlineDiff) error {
	if len(diff.Removed) == 0 && len(diff.Written) == 0 {
		return nil
	}
	var b pgx.Batch
	if len(diff.Removed) > 0 {
		b.Queue(`DELETE FROM deadlines WHERE key = ANY($1) AND order_id = $2`, diff.Removed, orderID)
	}
	for _, d := range diff.Written {
		b.Queue(`INSERT INTO deadlines (key, shop_id, order_id, rule, name, subject, subject_id, start_at, due_at, at_risk_at, source,
			met_at, state, next_check_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
			ON CONFLICT (key) DO UPDATE SET rule = excluded.rule, name = excluded.name, subject = excluded.subject,
			subject_id = excluded.subject_id, start_at = excluded.start_at, due_at = excluded.due_at, at_risk_at = excluded.at_risk_at,
			source = excluded.source, met_at = excluded.met_at, state = excluded.state, next_check_at = excluded.next_check_at
			WHERE deadlines.order_id = excluded.order_id`,
			d.Key, shopID, orderID, d.Rule, d.Name, d.Subject, d.SubjectID, d.StartAt, d.DueAt, d.AtRiskAt, d.Source,
			ztime(d.MetAt), d.State, ztime(d.NextCheckAt))
	}
	br := tx.SendBatch(ctx, &b)
	defer br.Close()
	if len(diff.Removed) > 0 {
		if _, err := br.Exec(); err != nil {
			return fmt.Errorf("deadlines of order %s: %w", orderID, err)
		}
	}
	for _, d := range diff.Written {
		tag, err := br.Exec()
		if err != nil {
			return fmt.Errorf("deadline %s: %w", d.Key, err)
		}
		if tag.RowsAffected() != 1 {
			return fmt.Errorf("deadline %s held by another order: %w", d.Key, model.ErrConflict)
		}
	}
	return br.Close()
}
