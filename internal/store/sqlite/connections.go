package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

var _ store.Connections = (*Store)(nil)

const connectionColumns = `tokens, doc`

type rowScanner interface{ Scan(dest ...any) error }

func scanConnection(row rowScanner) (model.Connection, error) {
	var c model.Connection
	var tokens []byte
	var doc string
	if err := row.Scan(&tokens, &doc); err != nil {
		return c, err
	}
	if err := json.Unmarshal([]byte(doc), &c); err != nil {
		return c, fmt.Errorf("decode connection: %w", err)
	}
	c.SealedTokens = tokens
	return c, nil
}

// PutConnection implements store.Connections.
func (s *Store) PutConnection(ctx context.Context, c model.Connection) (model.Connection, error) {
	if err := store.CheckConnection(c); err != nil {
		return model.Connection{}, err
	}
	var out model.Connection
	err := s.inTx(ctx, "put connection", func(tx *sql.Tx) error {
		var shop string
		if err := tx.QueryRowContext(ctx, `SELECT id FROM shops WHERE id = ?`, c.ShopID).Scan(&shop); err != nil {
			return err
		}
		old, err := scanConnection(tx.QueryRowContext(ctx, `SELECT `+connectionColumns+` FROM connections
			WHERE platform = ? AND external_shop_id = ?`, c.Platform, c.ExternalShopID))
		switch {
		case err == nil:
			c.ID, c.CreatedAt = old.ID, old.CreatedAt
			out, err = writeConnection(ctx, tx, c, false)
			return err
		case errors.Is(err, sql.ErrNoRows):
			out, err = writeConnection(ctx, tx, c, true)
			return err
		default:
			return err
		}
	})
	return out, err
}

func writeConnection(ctx context.Context, tx *sql.Tx, c model.Connection, insert bool) (model.Connection, error) {
	c = store.NormalizeConnection(c)
	doc, err := json.Marshal(c)
	if err != nil {
		return c, err
	}
	tokens := c.SealedTokens
	if tokens == nil {
		tokens = []byte{}
	}
	if insert {
		_, err = tx.ExecContext(ctx, `INSERT INTO connections (id, shop_id, platform, external_shop_id, status, tokens, created_at, updated_at, doc)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, c.ID, c.ShopID, c.Platform, c.ExternalShopID, c.Status, tokens,
			micros(c.CreatedAt), micros(c.UpdatedAt), string(doc))
	} else {
		_, err = tx.ExecContext(ctx, `UPDATE connections SET shop_id = ?, status = ?, tokens = ?, updated_at = ?, doc = ? WHERE id = ?`,
			c.ShopID, c.Status, tokens, micros(c.UpdatedAt), string(doc), c.ID)
	}
	return c, err
}

// GetConnection implements store.Connections.
func (s *Store) GetConnection(ctx context.Context, shopIDs []string, id string) (model.Connection, error) {
	c, err := scanConnection(s.r.QueryRowContext(ctx, `SELECT `+connectionColumns+` FROM connections WHERE id = ?`, id))
	if err == nil && shopIDs != nil && !(model.Scope{ShopIDs: shopIDs}).Has(c.ShopID) {
		err = sql.ErrNoRows
	}
	return c, wrap(err, "get connection "+id)
}

// GetConnectionByExternal implements store.Connections.
func (s *Store) GetConnectionByExternal(ctx context.Context, platform, externalShopID string) (model.Connection, error) {
	c, err := scanConnection(s.r.QueryRowContext(ctx, `SELECT `+connectionColumns+` FROM connections
		WHERE platform = ? AND external_shop_id = ?`, platform, externalShopID))
	return c, wrap(err, "get connection of "+platform+" shop "+externalShopID)
}

// ListConnections implements store.Connections.
func (s *Store) ListConnections(ctx context.Context, shopIDs []string) ([]model.Connection, error) {
	q := `SELECT ` + connectionColumns + ` FROM connections`
	var args []any
	if shopIDs != nil {
		if len(shopIDs) == 0 {
			return nil, nil
		}
		q += ` WHERE shop_id IN (?` + strings.Repeat(", ?", len(shopIDs)-1) + `)`
		for _, id := range shopIDs {
			args = append(args, id)
		}
	}
	rows, err := s.r.QueryContext(ctx, q+` ORDER BY id`, args...)
	if err != nil {
		return nil, wrap(err, "list connections")
	}
	defer rows.Close()
	var out []model.Connection
	for rows.Next() {
		c, err := scanConnection(rows)
		if err != nil {
			return nil, wrap(err, "list connections")
		}
		out = append(out, c)
	}
	return out, wrap(rows.Err(), "list connections")
}

// UpdateConnection implements store.Connections.
func (s *Store) UpdateConnection(ctx context.Context, id string, fn func(*model.Connection) (bool, error)) (model.Connection, error) {
	var out model.Connection
	err := s.inTx(ctx, "update connection "+id, func(tx *sql.Tx) error {
		old, err := scanConnection(tx.QueryRowContext(ctx, `SELECT `+connectionColumns+` FROM connections WHERE id = ?`, id))
		if err != nil {
			return err
		}
		c := old
		c.SealedTokens = append([]byte(nil), old.SealedTokens...)
		changed, err := fn(&c)
		if err != nil || !changed {
			out = old
			return err
		}
		c.ID, c.ShopID, c.Platform, c.ExternalShopID, c.CreatedAt = old.ID, old.ShopID, old.Platform, old.ExternalShopID, old.CreatedAt
		if err := store.CheckConnection(c); err != nil {
			return err
		}
		out, err = writeConnection(ctx, tx, c, false)
		return err
	})
	return out, err
}
