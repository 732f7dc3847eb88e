package sqlite

// A shop's API keys, role changes under the last-owner rule, and the console's listings on
// SQLite.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

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
	granted := `SELECT key_id FROM api_key_shops WHERE shop_id IN (` + placeholders(len(shopIDs)) + `)`
	rows, err := s.r.QueryContext(ctx, `SELECT id, name, created_at, revoked_at, last_used_at FROM api_keys
		WHERE id IN (`+granted+`) ORDER BY created_at DESC, id DESC LIMIT ?`, append(anys(shopIDs), store.MaxQueryRows)...)
	if err != nil {
		return nil, wrap(err, "list shop api keys")
	}
	var keys []model.APIKey
	at := map[string]int{}
	for rows.Next() {
		var k model.APIKey
		var created int64
		var revoked, used sql.NullInt64
		if err := rows.Scan(&k.ID, &k.Name, &created, &revoked, &used); err != nil {
			rows.Close()
			return nil, wrap(err, "list shop api keys")
		}
		k.CreatedAt, k.RevokedAt, k.LastUsedAt = fromMicros(created), fromNullMicros(revoked), fromNullMicros(used)
		at[k.ID] = len(keys)
		keys = append(keys, k)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, wrap(err, "list shop api keys")
	}
	grants, err := s.r.QueryContext(ctx, `SELECT key_id, shop_id FROM api_key_shops WHERE key_id IN (`+granted+`) ORDER BY shop_id`, anys(shopIDs)...)
	if err != nil {
		return nil, wrap(err, "list shop api key grants")
	}
	defer grants.Close()
	for grants.Next() {
		var key, shop string
		if err := grants.Scan(&key, &shop); err != nil {
			return nil, wrap(err, "list shop api key grants")
		}
		if i, ok := at[key]; ok {
			keys[i].ShopIDs = append(keys[i].ShopIDs, shop)
		}
	}
	return keys, wrap(grants.Err(), "list shop api key grants")
}

// TouchAPIKey implements store.ConsoleAdmin.
func (s *Store) TouchAPIKey(ctx context.Context, id string, at time.Time, every time.Duration) (bool, error) {
	if err := store.CheckText("id", id); err != nil {
		return false, err
	}
	res, err := s.w.ExecContext(ctx, `UPDATE api_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)`,
		micros(at), id, micros(at.Add(-every)))
	if err != nil {
		return false, wrap(err, "touch api key "+id)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// ChangeShopRole implements store.ConsoleAdmin. The write transaction (BEGIN IMMEDIATE) holds
// SQLite's one write lock from the read of the owners to the change, so two changes run one
// after the other and the second sees the first's.
func (s *Store) ChangeShopRole(ctx context.Context, userID, shopID string, role model.Role) error {
	if err := store.CheckText("user_id", userID, "shop_id", shopID); err != nil {
		return err
	}
	return s.inTx(ctx, "change role of "+userID+" in "+shopID, func(tx *sql.Tx) error {
		var current string
		err := tx.QueryRowContext(ctx, `SELECT role FROM user_shops WHERE user_id = ? AND shop_id = ?`, userID, shopID).Scan(&current)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			if role == "" {
				return fmt.Errorf("role of user %s in shop %s: %w", userID, shopID, model.ErrNotFound)
			}
			return setRole(ctx, tx, userID, shopID, role)
		case err != nil:
			return err
		}
		if model.Role(current) == model.RoleOwner && role != model.RoleOwner {
			var owners int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM user_shops WHERE shop_id = ? AND role = ?`,
				shopID, string(model.RoleOwner)).Scan(&owners); err != nil {
				return err
			}
			if owners <= 1 {
				return fmt.Errorf("user %s in shop %s: %w", userID, shopID, store.ErrLastOwner)
			}
		}
		if role == "" {
			_, err = tx.ExecContext(ctx, `DELETE FROM user_shops WHERE user_id = ? AND shop_id = ?`, userID, shopID)
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE user_shops SET role = ? WHERE user_id = ? AND shop_id = ?`, string(role), userID, shopID)
		return err
	})
}

// LatestWebhookDeliveries implements store.ConsoleAdmin; it reads webhook_deliveries_shop
// backwards.
func (s *Store) LatestWebhookDeliveries(ctx context.Context, shopIDs []string, limit int) ([]model.WebhookDelivery, error) {
	if err := store.CheckScope(shopIDs); err != nil {
		return nil, err
	}
	if len(shopIDs) == 0 {
		return nil, nil
	}
	cond, args := inShops("shop_id", shopIDs, nil)
	rows, err := s.r.QueryContext(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries WHERE `+cond+
		` ORDER BY created_at DESC, id DESC LIMIT ?`, append(args, limitOf(limit))...)
	if err != nil {
		return nil, wrap(err, "latest webhook deliveries")
	}
	defer rows.Close()
	var out []model.WebhookDelivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, wrap(err, "latest webhook deliveries")
		}
		out = append(out, d)
	}
	return out, wrap(rows.Err(), "latest webhook deliveries")
}

// openDeadline is the condition of the partial index deadlines_open, written as the index
// writes it so that SQLite's planner can use the index.
const openDeadline = `met_at IS NULL AND state IN ('at_risk', 'breached')`

// ListOpenDeadlines implements store.ConsoleAdmin; it reads the partial index deadlines_open.
func (s *Store) ListOpenDeadlines(ctx context.Context, q store.OpenDeadlineQuery) ([]store.DeadlineRow, error) {
	if err := store.CheckOpenDeadlineQuery(q); err != nil {
		return nil, err
	}
	if len(q.ShopIDs) == 0 {
		return nil, nil
	}
	cond, args := inShops("shop_id", q.ShopIDs, nil)
	where := cond + ` AND ` + openDeadline + ` AND state = ?`
	args = append(args, q.State)
	order, cmp := `due_at, key`, `>`
	if q.State == store.DeadlineBreached {
		order, cmp = `due_at DESC, key DESC`, `<`
	}
	if q.After != nil {
		where += ` AND (due_at ` + cmp + ` ? OR (due_at = ? AND key ` + cmp + ` ?))`
		args = append(args, micros(q.After.DueAt), micros(q.After.DueAt), q.After.Key)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT `+deadlineColumns+` FROM deadlines WHERE `+where+` ORDER BY `+order+` LIMIT ?`,
		append(args, limitOf(q.Limit))...)
	if err != nil {
		return nil, wrap(err, "open deadlines")
	}
	ds, err := scanDeadlines(rows)
	return ds, wrap(err, "open deadlines")
}

// CountOpenDeadlines implements store.ConsoleAdmin.
func (s *Store) CountOpenDeadlines(ctx context.Context, shopIDs []string) (atRisk, breached int64, err error) {
	if err := store.CheckScope(shopIDs); err != nil {
		return 0, 0, err
	}
	if len(shopIDs) == 0 {
		return 0, 0, nil
	}
	cond, args := inShops("shop_id", shopIDs, nil)
	err = s.r.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE state = 'at_risk'), count(*) FILTER (WHERE state = 'breached')
		FROM deadlines WHERE `+cond+` AND `+openDeadline, args...).Scan(&atRisk, &breached)
	return atRisk, breached, wrap(err, "count open deadlines")
}
