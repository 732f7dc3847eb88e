package sqlite

// Buyer messages on SQLite.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

var _ store.Messages = (*Store)(nil)

const buyerMessageColumns = `id, shop_id, order_id, event_id, kind, channel, language, recipient, subject, body, status,
	scheduled_at, sent_at, error, created_at`

// PutMessageTemplate implements store.Messages.
func (s *Store) PutMessageTemplate(ctx context.Context, t model.MessageTemplate) error {
	if err := store.CheckText("shop_id", t.ShopID, "kind", t.Kind, "language", t.Language, "subject", t.Subject, "body", t.Body); err != nil {
		return err
	}
	_, err := s.w.ExecContext(ctx, `INSERT INTO message_templates (shop_id, kind, language, subject, body, updated_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (shop_id, kind, language) DO UPDATE SET subject = excluded.subject,
		body = excluded.body, updated_at = excluded.updated_at`, t.ShopID, t.Kind, t.Language, t.Subject, t.Body, micros(t.UpdatedAt))
	if err != nil && strings.Contains(err.Error(), "FOREIGN KEY") {
		return fmt.Errorf("message template: shop %s: %w", t.ShopID, model.ErrNotFound)
	}
	return wrap(err, "put message template")
}

// ListMessageTemplates implements store.Messages.
func (s *Store) ListMessageTemplates(ctx context.Context, shopID string) ([]model.MessageTemplate, error) {
	if err := store.CheckText("shop_id", shopID); err != nil {
		return nil, err
	}
	rows, err := s.r.QueryContext(ctx, `SELECT shop_id, kind, language, subject, body, updated_at FROM message_templates
		WHERE shop_id = ? ORDER BY kind, language`, shopID)
	if err != nil {
		return nil, wrap(err, "list message templates")
	}
	defer rows.Close()
	var out []model.MessageTemplate
	for rows.Next() {
		var t model.MessageTemplate
		var at int64
		if err := rows.Scan(&t.ShopID, &t.Kind, &t.Language, &t.Subject, &t.Body, &at); err != nil {
			return nil, wrap(err, "list message templates")
		}
		t.UpdatedAt = fromMicros(at)
		out = append(out, t)
	}
	return out, wrap(rows.Err(), "list message templates")
}

// AddBuyerMessages implements store.Messages.
func (s *Store) AddBuyerMessages(ctx context.Context, ms []model.BuyerMessage, job store.BuyerMessageJobFunc) (int, error) {
	for _, m := range ms {
		if err := store.CheckText("id", m.ID, "shop_id", m.ShopID, "order_id", m.OrderID, "event_id", m.EventID, "to", m.To,
			"subject", m.Subject, "body", m.Body); err != nil {
			return 0, err
		}
	}
	added := 0
	err := s.inTx(ctx, "add buyer messages", func(tx *sql.Tx) error {
		added = 0
		for _, m := range ms {
			res, err := tx.ExecContext(ctx, `INSERT INTO buyer_messages (`+buyerMessageColumns+`)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id, channel) DO NOTHING`,
				m.ID, m.ShopID, m.OrderID, m.EventID, m.Kind, m.Channel, m.Language, m.To, m.Subject, m.Body, string(m.Status),
				micros(m.ScheduledAt), nullMicros(m.SentAt), m.Error, micros(m.CreatedAt))
			if err != nil {
				return fmt.Errorf("insert buyer message %s: %w", m.ID, err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue
			}
			added++
			if m.Status != model.BuyerMessageScheduled {
				continue
			}
			j, err := job(m)
			if err != nil {
				return err
			}
			if err := s.insertJobs(ctx, tx, []store.Job{j}); err != nil {
				return err
			}
		}
		return nil
	})
	return added, err
}

func scanBuyerMessage(r scanner) (model.BuyerMessage, error) {
	var m model.BuyerMessage
	var scheduled, created int64
	var sent sql.NullInt64
	err := r.Scan(&m.ID, &m.ShopID, &m.OrderID, &m.EventID, &m.Kind, &m.Channel, &m.Language, &m.To, &m.Subject, &m.Body, &m.Status,
		&scheduled, &sent, &m.Error, &created)
	m.ScheduledAt, m.SentAt, m.CreatedAt = fromMicros(scheduled), fromNullMicros(sent), fromMicros(created)
	return m, err
}

// GetBuyerMessage implements store.Messages.
func (s *Store) GetBuyerMessage(ctx context.Context, shopIDs []string, id string) (model.BuyerMessage, error) {
	if err := store.CheckScope(shopIDs, "id", id); err != nil {
		return model.BuyerMessage{}, err
	}
	if len(shopIDs) == 0 {
		return model.BuyerMessage{}, fmt.Errorf("buyer message %s: %w", id, model.ErrNotFound)
	}
	cond, args := inShops("shop_id", shopIDs, []any{id})
	m, err := scanBuyerMessage(s.r.QueryRowContext(ctx, `SELECT `+buyerMessageColumns+` FROM buyer_messages WHERE id = ? AND `+cond, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return m, fmt.Errorf("buyer message %s: %w", id, model.ErrNotFound)
	}
	return m, wrap(err, "get buyer message")
}

// ListBuyerMessages implements store.Messages.
func (s *Store) ListBuyerMessages(ctx context.Context, shopIDs []string, orderID string) ([]model.BuyerMessage, error) {
	if err := store.CheckScope(shopIDs, "order_id", orderID); err != nil {
		return nil, err
	}
	if len(shopIDs) == 0 {
		return nil, nil
	}
	cond, args := inShops("shop_id", shopIDs, nil)
	if orderID != "" {
		cond += ` AND order_id = ?`
		args = append(args, orderID)
	}
	args = append(args, store.MaxQueryRows)
	rows, err := s.r.QueryContext(ctx, `SELECT `+buyerMessageColumns+` FROM buyer_messages WHERE `+cond+` ORDER BY seq LIMIT ?`, args...)
	if err != nil {
		return nil, wrap(err, "list buyer messages")
	}
	defer rows.Close()
	var out []model.BuyerMessage
	for rows.Next() {
		m, err := scanBuyerMessage(rows)
		if err != nil {
			return nil, wrap(err, "list buyer messages")
		}
		out = append(out, m)
	}
	return out, wrap(rows.Err(), "list buyer messages")
}

// FinishBuyerMessage implements store.Messages.
func (s *Store) FinishBuyerMessage(ctx context.Context, id string, status model.BuyerMessageStatus, at time.Time, errText string) (bool, error) {
	if err := store.CheckText("id", id, "error", errText); err != nil {
		return false, err
	}
	var sent sql.NullInt64
	if status == model.BuyerMessageSent {
		sent = sql.NullInt64{Int64: micros(at), Valid: true}
	}
	res, err := s.w.ExecContext(ctx, `UPDATE buyer_messages SET status = ?, sent_at = ?, error = ? WHERE id = ? AND status = 'scheduled'`,
		string(status), sent, errText, id)
	if err != nil {
		return false, wrap(err, "finish buyer message "+id)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}
