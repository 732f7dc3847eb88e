package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

// GetShopSettings implements store.Store.
func (s *Store) GetShopSettings(ctx context.Context, shopID string) (model.ShopSettings, error) {
	st, err := getShopSettings(ctx, s.pool.QueryRow(ctx, shopSettingsQuery, shopID), shopID)
	return st, wrap(err, "get shop settings "+shopID)
}

const shopSettingsQuery = `SELECT st.overrides, st.mode_changes, st.updated_at
	FROM shops sh LEFT JOIN shop_settings st ON st.shop_id = sh.id WHERE sh.id = $1`

func getShopSettings(_ context.Context, row pgx.Row, shopID string) (model.ShopSettings, error) {
	st := model.ShopSettings{ShopID: shopID}
	var overrides, modes []byte
	var updated *time.Time
	if err := row.Scan(&overrides, &modes, &updated); err != nil {
		return st, err
	}
	if updated != nil {
		st.UpdatedAt = updated.UTC()
	}
	if err := store.DecodeShopSettings(overrides, modes, &st); err != nil {
		return st, err
	}
	return st, nil
}

// UpdateShopSettings implements store.Store. The shop's row is locked FOR NO KEY UPDATE (which
// does not block orders and keys referring to the shop), so that updates of one shop's settings
// serialise across nodes even before its settings row exists.
func (s *Store) UpdateShopSettings(ctx context.Context, shopID string, fn func(*model.ShopSettings) (bool, error)) (model.ShopSettings, error) {
	var out model.ShopSettings
	err := s.inTx(ctx, "update shop settings "+shopID, func(tx pgx.Tx) error {
		var id string
		if err := tx.QueryRow(ctx, `SELECT id FROM shops WHERE id = $1 FOR NO KEY UPDATE`, shopID).Scan(&id); err != nil {
			return err
		}
		st, err := getShopSettings(ctx, tx.QueryRow(ctx, shopSettingsQuery, shopID), shopID)
		if err != nil {
			return err
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
		if _, err := tx.Exec(ctx, `INSERT INTO shop_settings (shop_id, overrides, mode_changes, updated_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (shop_id) DO UPDATE SET overrides = excluded.overrides, mode_changes = excluded.mode_changes,
			updated_at = excluded.updated_at`, shopID, overrides, modes, st.UpdatedAt.UTC()); err != nil {
			return err
		}
		st.ShopID = shopID
		out = st
		return nil
	})
	return out, err
}

// ListShopSettings implements store.Store.
func (s *Store) ListShopSettings(ctx context.Context, shopIDs []string) ([]model.ShopSettings, error) {
	if len(shopIDs) == 0 {
		return nil, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT shop_id, overrides, mode_changes, updated_at FROM shop_settings
		WHERE shop_id = ANY($1) ORDER BY shop_id`, shopIDs)
	if err != nil {
		return nil, wrap(err, "list shop settings")
	}
	defer rows.Close()
	var out []model.ShopSettings
	for rows.Next() {
		var st model.ShopSettings
		var overrides, modes []byte
		var updated time.Time
		if err := rows.Scan(&st.ShopID, &overrides, &modes, &updated); err != nil {
			return nil, wrap(err, "list shop settings")
		}
		st.UpdatedAt = updated.UTC()
		if err := store.DecodeShopSettings(overrides, modes, &st); err != nil {
			return nil, wrap(err, "list shop settings")
		}
		out = append(out, st)
	}
	return out, wrap(rows.Err(), "list shop settings")
}
