package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

// GetShopSettings implements store.Store.
func (s *Store) GetShopSettings(ctx context.Context, shopID string) (model.ShopSettings, error) {
	return getShopSettings(ctx, s.r, shopID)
}

type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func getShopSettings(ctx context.Context, q queryer, shopID string) (model.ShopSettings, error) {
	what := "get shop settings " + shopID
	st := model.ShopSettings{ShopID: shopID}
	var overrides, modes sql.NullString
	var updated sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT st.overrides, st.mode_changes, st.updated_at
		FROM shops sh LEFT JOIN shop_settings st ON st.shop_id = sh.id WHERE sh.id = ?`, shopID).
		Scan(&overrides, &modes, &updated)
	if err != nil {
		return st, wrap(err, what)
	}
	if updated.Valid {
		st.UpdatedAt = fromMicros(updated.Int64)
	}
	if err := store.DecodeShopSettings([]byte(overrides.String), []byte(modes.String), &st); err != nil {
		return st, fmt.Errorf("sqlite: %s: %w", what, err)
	}
	return st, nil
}

// UpdateShopSettings implements store.Store. The single writer connection holds the settings
// exclusively for the transaction.
func (s *Store) UpdateShopSettings(ctx context.Context, shopID string, fn func(*model.ShopSettings) (bool, error)) (model.ShopSettings, error) {
	var out model.ShopSettings
	err := s.inTx(ctx, "update shop settings "+shopID, func(tx *sql.Tx) error {
		st, err := getShopSettings(ctx, tx, shopID)
		if err != nil {
			return unwrapNotFound(err)
		}
		changed, err := fn(&st)
		if err != nil || !changed {
			out = st
			return err
		}
		overrides, modes, err := store.EncodeShopSettings(&st)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO shop_settings (shop_id, overrides, mode_changes, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (shop_id) DO UPDATE SET overrides = excluded.overrides, mode_changes = excluded.mode_changes,
			updated_at = excluded.updated_at`, shopID, string(overrides), string(modes), micros(st.UpdatedAt)); err != nil {
			return err
		}
		st.ShopID = shopID
		out = st
		return nil
	})
	return out, err
}

// unwrapNotFound keeps a not-found from a helper as the sentinel alone, so that inTx's wrap
// names the operation once.
func unwrapNotFound(err error) error {
	if errors.Is(err, model.ErrNotFound) {
		return sql.ErrNoRows
	}
	return err
}

// ListShopSettings implements store.Store.
func (s *Store) ListShopSettings(ctx context.Context, shopIDs []string) ([]model.ShopSettings, error) {
	var out []model.ShopSettings
	const chunk = 500 // well under SQLite's limit on bound variables
	for lo := 0; lo < len(shopIDs); lo += chunk {
		ids := shopIDs[lo:min(lo+chunk, len(shopIDs))]
		args := make([]any, len(ids))
		for i, id := range ids {
			args[i] = id
		}
		rows, err := s.r.QueryContext(ctx, `SELECT shop_id, overrides, mode_changes, updated_at FROM shop_settings
			WHERE shop_id IN (`+placeholders(len(ids))+`) ORDER BY shop_id`, args...)
		if err != nil {
			return nil, wrap(err, "list shop settings")
		}
		for rows.Next() {
			var st model.ShopSettings
			var overrides, modes string
			var updated int64
			if err := rows.Scan(&st.ShopID, &overrides, &modes, &updated); err != nil {
				rows.Close()
				return nil, wrap(err, "list shop settings")
			}
			st.UpdatedAt = fromMicros(updated)
			if err := store.DecodeShopSettings([]byte(overrides), []byte(modes), &st); err != nil {
				rows.Close()
				return nil, fmt.Errorf("sqlite: list shop settings: %w", err)
			}
			out = append(out, st)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, wrap(err, "list shop settings")
		}
	}
	return out, nil
}
