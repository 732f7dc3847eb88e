package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

const manifestColumns = `id, shop_id, carrier, warehouse_id, ship_date, carrier_ref, pickup, created_at, handed_over_at`

// CreateManifest implements store.Shipping.
func (s *Store) CreateManifest(ctx context.Context, m model.Manifest) (model.Manifest, error) {
	if err := store.CheckManifest(m); err != nil {
		return model.Manifest{}, err
	}
	var out model.Manifest
	err := s.inTx(ctx, "create manifest "+m.ID, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO manifests (`+manifestColumns+`) VALUES (`+placeholders(9)+`)`,
			m.ID, m.ShopID, m.Carrier, m.WarehouseID, m.ShipDate, m.CarrierRef, m.Pickup, micros(m.CreatedAt), nil)
		if isForeignKey(err) {
			return fmt.Errorf("shop %s: %w", m.ShopID, model.ErrNotFound)
		}
		if err != nil {
			return err
		}
		for rest := m.ShipmentIDs; len(rest) > 0; {
			chunk := rest[:min(lookupChunk, len(rest))]
			rest = rest[len(chunk):]
			args := []any{m.ID, micros(m.CreatedAt), m.ShopID, m.Carrier, m.WarehouseID}
			if _, err := tx.ExecContext(ctx, `UPDATE shipments SET status = 'manifested', manifest_id = ?, updated_at = ?
				WHERE shop_id = ? AND carrier = ? AND status = 'label_purchased' AND manifest_id = ''
				AND package_id IN (SELECT id FROM packages WHERE warehouse_id = ?)
				AND id IN (`+placeholders(len(chunk))+`)`, append(args, anys(chunk)...)...); err != nil {
				return err
			}
		}
		out, err = getManifest(ctx, tx, []string{m.ShopID}, m.ID)
		return err
	})
	return out, err
}

// GetManifest implements store.Shipping.
func (s *Store) GetManifest(ctx context.Context, shopIDs []string, id string) (model.Manifest, error) {
	if err := store.CheckScope(shopIDs, "id", id); err != nil {
		return model.Manifest{}, err
	}
	m, err := getManifest(ctx, s.r, shopIDs, id)
	return m, wrap(err, "manifest "+id)
}

func getManifest(ctx context.Context, q rowsQuerier, shopIDs []string, id string) (model.Manifest, error) {
	var m model.Manifest
	if len(shopIDs) == 0 {
		return m, sql.ErrNoRows
	}
	var created int64
	var handed sql.NullInt64
	cond, args := inShops("shop_id", shopIDs, []any{id})
	rows, err := q.QueryContext(ctx, `SELECT `+manifestColumns+` FROM manifests WHERE id = ? AND `+cond, args...)
	if err != nil {
		return m, err
	}
	found := rows.Next()
	if found {
		err = rows.Scan(&m.ID, &m.ShopID, &m.Carrier, &m.WarehouseID, &m.ShipDate, &m.CarrierRef, &m.Pickup, &created, &handed)
	}
	rows.Close()
	if err != nil {
		return m, err
	}
	if !found {
		return m, sql.ErrNoRows
	}
	m.CreatedAt, m.HandedOverAt = fromMicros(created), fromNullMicros(handed)
	rows, err = q.QueryContext(ctx, `SELECT id FROM shipments WHERE manifest_id = ? ORDER BY created_at, id`, id)
	if err != nil {
		return m, err
	}
	m.ShipmentIDs, err = scanAll(rows, func(r scanner) (string, error) {
		var id string
		return id, r.Scan(&id)
	})
	if m.ShipmentIDs == nil {
		m.ShipmentIDs = []string{}
	}
	return m, err
}

// HandOverManifest implements store.Shipping.
func (s *Store) HandOverManifest(ctx context.Context, shopIDs []string, id string, at time.Time) (model.Manifest, error) {
	if err := store.CheckScope(shopIDs, "id", id); err != nil {
		return model.Manifest{}, err
	}
	var out model.Manifest
	err := s.inTx(ctx, "hand over manifest "+id, func(tx *sql.Tx) error {
		m, err := getManifest(ctx, tx, shopIDs, id)
		if err != nil {
			return err
		}
		if m.HandedOverAt == nil {
			if _, err := tx.ExecContext(ctx, `UPDATE manifests SET handed_over_at = ? WHERE id = ?`, micros(at), id); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE shipments SET status = 'handed_over', updated_at = ?
				WHERE manifest_id = ? AND status = 'manifested'`, micros(at), id); err != nil {
				return err
			}
			h := fromMicros(micros(at))
			m.HandedOverAt = &h
		}
		out = m
		return nil
	})
	return out, err
}
