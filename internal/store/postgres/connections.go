package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

var _ store.Connections = (*Store)(nil)

const connectionColumns = `tokens, doc`

func scanConnection(row pgx.Row) (model.Connection, error) {
	var c model.Connection
	var tokens, doc []byte
	if err := row.Scan(&tokens, &doc); err != nil {
		return c, err
	}
	if err := json.Unmarshal(doc, &c); err != nil {
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
	err := s.inTx(ctx, "put connection", func(tx pgx.Tx) error {
		var shop string
		if err := tx.QueryRow(ctx, `SELECT id FROM shops WHERE id = $1 FOR NO KEY UPDATE`, c.ShopID).Scan(&shop); err != nil {
			return err
		}
		old, err := scanConnection(tx.QueryRow(ctx, `SELECT `+connectionColumns+` FROM connections
			WHERE platform = $1 AND external_shop_id = $2 FOR UPDATE`, c.Platform, c.ExternalShopID))
		switch {
		case err == nil:
			c.ID, c.CreatedAt = old.ID, old.CreatedAt
			out, err = writeConnection(ctx, tx, c, false)
			return err
		case errors.Is(err, pgx.ErrNoRows):
			out, err = writeConnection(ctx, tx, c, true)
			return err
		default:
			return err
		}
	})
	return out, err
}

func writeConnection(ctx context.Context, tx pgx.Tx, c model.Connection, insert bool) (model.Connection, error) {
	c = store.NormalizeConnection(c)
	doc, err := json.Marshal(c)
	if err != nil {
		return c, err
	}
	if c.SealedTokens == nil {
		c.SealedTokens = []byte{}
	}
	if insert {
		_, err = tx.Exec(ctx, `INSERT INTO connections (id, shop_id, platform, external_shop_id, status, tokens, created_at, updated_at, doc)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, c.ID, c.ShopID, c.Platform, c.ExternalShopID, c.Status, c.SealedTokens,
			c.CreatedAt, c.UpdatedAt, doc)
	} else {
		_, err = tx.Exec(ctx, `UPDATE connections SET shop_id = $2, status = $3, tokens = $4, updated_at = $5, doc = $6 WHERE id = $1`,
			c.ID, c.ShopID, c.Status, c.SealedTokens, c.UpdatedAt, doc)
	}
	return c, err
}

// GetConnection implements store.Connections.
func (s *Store) GetConnection(ctx context.Context, shopIDs []string, id string) (model.Connection, error) {
	c, err := scanConnection(s.pool.QueryRow(ctx, `SELECT `+connectionColumns+` FROM connections WHERE id = $1`, id))
	if err == nil && shopIDs != nil && !(model.Scope{ShopIDs: shopIDs}).Has(c.ShopID) {
		err = pgx.ErrNoRows
	}
	return c, wrap(err, "get connection "+id)
}

// GetConnectionByExternal implements store.Connections.
func (s *Store) GetConnectionByExternal(ctx context.Context, platform, externalShopID string) (model.Connection, error) {
	c, err := scanConnection(s.pool.QueryRow(ctx, `SELECT `+connectionColumns+` FROM connections
		WHERE platform = $1 AND external_shop_id = $2`, platform, externalShopID))
	return c, wrap(err, "get connection of "+platform+" shop "+externalShopID)
}

// ListConnections implements store.Connections.
func (s *Store) ListConnections(ctx context.Context, shopIDs []string) ([]model.Connection, error) {
	var rows pgx.Rows
	var err error
	if shopIDs == nil {
		rows, err = s.pool.Query(ctx, `SELECT `+connectionColumns+` FROM connections ORDER BY id`)
	} else {
		rows, err = s.pool.Query(ctx, `SELECT `+connectionColumns+` FROM connections WHERE shop_id = ANY($1) ORDER BY id`, shopIDs)
	}
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
	err := s.inTx(ctx, "update connection "+id, func(tx pgx.Tx) error {
		old, err := scanConnection(tx.QueryRow(ctx, `SELECT `+connectionColumns+` FROM connections WHERE id = $1 FOR UPDATE`, id))
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
