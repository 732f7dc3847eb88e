package postgres

// A shop's API keys, role changes under the last-owner rule, and the console's listings on
// PostgreSQL.

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

var _ store.ConsoleAdmin = (*Store)(nil)

// ListShopAPIKeys implements store.ConsoleAdmin.
func (s *Store) ListShopAPIKeys(ctx context.Context, shopIDs []string) ([]model.APIKey, error) {
	if err := store.CheckScope(shopIDs); err != nil {
		return nil, err
	}
	if len(shopIDs) == 0 {
		return nil, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT k.id, k.name, k.created_at, k.revoked_at, k.last_used_at,
			(SELECT array_agg(g.shop_id ORDER BY g.shop_id) FROM api_key_shops g WHERE g.key_id = k.id)
		FROM api_keys k WHERE k.id IN (SELECT key_id FROM api_key_shops WHERE shop_id = ANY($1))
		ORDER BY k.created_at DESC, k.id DESC LIMIT $2`, shopIDs, store.MaxQueryRows)
	if err != nil {
		return nil, wrap(err, "list shop api keys")
	}
	keys, err := collect(rows, func(r pgx.Row) (model.APIKey, error) {
		var k model.APIKey
		err := r.Scan(&k.ID, &k.Name, &k.CreatedAt, &k.RevokedAt, &k.LastUsedAt, &k.ShopIDs)
		k.CreatedAt = k.CreatedAt.UTC()
		k.RevokedAt, k.LastUsedAt = utcPtr(k.RevokedAt), utcPtr(k.LastUsedAt)
		return k, err
	})
	return keys, wrap(err, "list shop api keys")
}

// TouchAPIKey implements store.ConsoleAdmin.
func (s *Store) TouchAPIKey(ctx context.Context, id string, at time.Time, every time.Duration) (bool, error) {
	if err := store.CheckText("id", id); err != nil {
		return false, err
	}
	tag, err := s.pool.Exec(ctx, `UPDATE api_keys SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $3)`,
		at, id, at.Add(-every))
	if err != nil {
		return false, wrap(err, "touch api key "+id)
	}
	return tag.RowsAffected() > 0, nil
}

// ChangeShopRole implements store.ConsoleAdmin. The transaction locks the shop's row first
// (SELECT … FOR UPDATE), so that every role change of one shop waits for the one before to
// commit and counts the owners it left: under READ COMMITTED alone, two owners demoting each
// other would both count two owners and both succeed.
func (s *Store) ChangeShopRole(ctx context.Context, userID, shopID string, role model.Role) error {
	if err := store.CheckText("user_id", userID, "shop_id", shopID); err != nil {
		return err
	}
	return s.inTx(ctx, "change role of "+userID+" in "+shopID, func(tx pgx.Tx) error {
		var shop string
		err := tx.QueryRow(ctx, `SELECT id FROM shops WHERE id = $1 FOR UPDATE`, shopID).Scan(&shop)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("shop %s: %w", shopID, model.ErrNotFound)
		}
		if err != nil {
			return err
		}
		var current string
		err = tx.QueryRow(ctx, `SELECT role FROM user_shops WHERE user_id = $1 AND shop_id = $2`, userID, shopID).Scan(&current)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			if role == "" {
				return fmt.Errorf("role of user %s in shop %s: %w", userID, shopID, model.ErrNotFound)
			}
			return setRole(ctx, tx, userID, shopID, role)
		case err != nil:
			return err
		}
		if model.Role(current) == model.RoleOwner && role != model.RoleOwner {
			var owners int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM user_shops WHERE shop_id = $1 AND role = $2`,
				shopID, string(model.RoleOwner)).Scan(&owners); err != nil {
				return err
			}
			if owners <= 1 {
				return fmt.Errorf("user %s in shop %s: %w", userID, shopID, store.ErrLastOwner)
			}
		}
		if role == "" {
			_, err = tx.Exec(ctx, `DELETE FROM user_shops WHERE user_id = $1 AND shop_id = $2`, userID, shopID)
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE user_shops SET role = $1 WHERE user_id = $2 AND shop_id = $3`, string(role), userID, shopID)
		return err
	})
}

// LatestWebhookDeliveries implements store.ConsoleAdmin; it reads webhook_deliveries_shop
// backwards.
func (s *Store) LatestWebhookDeliveries(ctx context.Context, shopIDs []string, limit int) ([]model.WebhookDelivery, error) {
	if err := store.CheckScope(shopIDs); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries WHERE shop_id = ANY($1)
		ORDER BY created_at DESC, id DESC LIMIT $2`, shopIDs, limitOf(limit))
	if err != nil {
		return nil, wrap(err, "latest webhook deliveries")
	}
	ds, err := collect(rows, scanDelivery)
	return ds, wrap(err, "latest webhook deliveries")
}

// openDeadline is the condition of the partial index deadlines_open.
const openDeadline = `met_at IS NULL AND state IN ('at_risk', 'breached')`

// ListOpenDeadlines implements store.ConsoleAdmin; it reads the partial index deadlines_open.
func (s *Store) ListOpenDeadlines(ctx context.Context, q store.OpenDeadlineQuery) ([]store.DeadlineRow, error) {
	if err := store.CheckOpenDeadlineQuery(q); err != nil {
		return nil, err
	}
	var w where
	w.add(`shop_id = ANY(%s)`, q.ShopIDs)
	w.cond = append(w.cond, openDeadline)
	w.add(`state = %s`, q.State)
	order, cmp := `due_at, key`, `>`
	if q.State == store.DeadlineBreached {
		order, cmp = `due_at DESC, key DESC`, `<`
	}
	if q.After != nil {
		w.add(`(due_at, key) `+cmp+` (%s, %s)`, q.After.DueAt, q.After.Key)
	}
	limit := w.arg(limitOf(q.Limit))
	rows, err := s.pool.Query(ctx, `SELECT `+deadlineColumns+` FROM deadlines WHERE `+w.String()+` ORDER BY `+order+` LIMIT `+limit, w.args...)
	if err != nil {
		return nil, wrap(err, "open deadlines")
	}
	ds, err := collect(rows, scanDeadline)
	return ds, wrap(err, "open deadlines")
}

// CountOpenDeadlines implements store.ConsoleAdmin.
func (s *Store) CountOpenDeadlines(ctx context.Context, shopIDs []string) (atRisk, breached int64, err error) {
	if err := store.CheckScope(shopIDs); err != nil {
		return 0, 0, err
	}
	err = s.pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE state = 'at_risk'), count(*) FILTER (WHERE state = 'breached')
		FROM deadlines WHERE shop_id = ANY($1) AND `+openDeadline, shopIDs).Scan(&atRisk, &breached)
	return atRisk, breached, wrap(err, "count open deadlines")
}
