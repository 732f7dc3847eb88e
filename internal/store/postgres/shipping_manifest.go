package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

const manifestColumns = `id, shop_id, carrier, warehouse_id, ship_date, carrier_ref, pickup, created_at, handed_over_at`

// CreateManifest implements store.Shipping. It locks the shipments it may take in id order (as
// a shipping step locks its order's), then moves those still label_purchased: a step that
// voided one meanwhile has committed first, and the UPDATE sees the voided row.
func (s *Store) CreateManifest(ctx context.Context, m model.Manifest) (model.Manifest, error) {
	if err := store.CheckManifest(m); err != nil {
		return model.Manifest{}, err
	}
	var out model.Manifest
	err := s.inTx(ctx, "create manifest "+m.ID, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO manifests (`+manifestColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL)`,
			m.ID, m.ShopID, m.Carrier, m.WarehouseID, m.ShipDate, m.CarrierRef, m.Pickup, m.CreatedAt)
		if pgCode(err) == "23503" {
			return fmt.Errorf("shop %s: %w", m.ShopID, model.ErrNotFound)
		}
		if err != nil {
			return err
		}
		ids := m.ShipmentIDs
		if ids == nil {
			ids = []string{}
		}
		if _, err := tx.Exec(ctx, `SELECT id FROM shipments WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE`, ids); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE shipments SET status = 'manifested', manifest_id = $1, updated_at = $2
			WHERE id = ANY($3) AND shop_id = $4 AND carrier = $5 AND status = 'label_purchased' AND manifest_id = ''
			AND package_id IN (SELECT id FROM packages WHERE warehouse_id = $6)`,
			m.ID, m.CreatedAt, ids, m.ShopID, m.Carrier, m.WarehouseID); err != nil {
			return err
		}
		out, err = getManifest(ctx, tx, []string{m.ShopID}, m.ID, "")
		return err
	})
	return out, err
}

// GetManifest implements store.Shipping.
func (s *Store) GetManifest(ctx context.Context, shopIDs []string, id string) (model.Manifest, error) {
	if err := store.CheckScope(shopIDs, "id", id); err != nil {
		return model.Manifest{}, err
	}
	m, err := getManifest(ctx, s.pool, shopIDs, id, "")
	return m, wrap(err, "manifest "+id)
}

type rowQueryer interface {
	queryer
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// getManifest reads a manifest and the ids of its shipments; lock is appended to the manifest's
// SELECT ("FOR NO KEY UPDATE" or "").
func getManifest(ctx context.Context, q rowQueryer, shopIDs []string, id, lock string) (model.Manifest, error) {
	var m model.Manifest
	err := q.QueryRow(ctx, `SELECT `+manifestColumns+` FROM manifests WHERE id = $1 AND shop_id = ANY($2) `+lock, id, shopIDs).
		Scan(&m.ID, &m.ShopID, &m.Carrier, &m.WarehouseID, &m.ShipDate, &m.CarrierRef, &m.Pickup, &m.CreatedAt, &m.HandedOverAt)
	if err != nil {
		return m, err
	}
	m.CreatedAt, m.HandedOverAt = m.CreatedAt.UTC(), utcPtr(m.HandedOverAt)
	rows, err := q.Query(ctx, `SELECT id FROM shipments WHERE manifest_id = $1 ORDER BY created_at, id`, id)
	if err != nil {
		return m, err
	}
	m.ShipmentIDs, err = pgx.CollectRows(rows, pgx.RowTo[string])
	if m.ShipmentIDs == nil {
		m.ShipmentIDs = []string{}
	}
	return m, err
}

// HandOverManifest implements store.Shipping. The manifest row, locked, makes a second hand-over
// wait for the first and then find it done.
func (s *Store) HandOverManifest(ctx context.Context, shopIDs []string, id string, at time.Time) (model.Manifest, error) {
	if err := store.CheckScope(shopIDs, "id", id); err != nil {
		return model.Manifest{}, err
	}
	var out model.Manifest
	err := s.inTx(ctx, "hand over manifest "+id, func(tx pgx.Tx) error {
		m, err := getManifest(ctx, tx, shopIDs, id, "FOR NO KEY UPDATE")
		if err != nil {
			return err
		}
		if m.HandedOverAt == nil {
			var b pgx.Batch
			b.Queue(`UPDATE manifests SET handed_over_at = $1 WHERE id = $2`, at, id)
			b.Queue(`SELECT id FROM shipments WHERE manifest_id = $1 AND status = 'manifested' ORDER BY id FOR NO KEY UPDATE`, id)
			b.Queue(`UPDATE shipments SET status = 'handed_over', updated_at = $1 WHERE manifest_id = $2 AND status = 'manifested'`, at, id)
			if err := tx.SendBatch(ctx, &b).Close(); err != nil {
				return err
			}
			h := at.UTC().Truncate(time.Microsecond)
			m.HandedOverAt = &h
		}
		out = m
		return nil
	})
	return out, err
}
