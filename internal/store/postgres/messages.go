package postgres

// Buyer messages on PostgreSQL.

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

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
	_, err := s.pool.Exec(ctx, `INSERT INTO message_templates (shop_id, kind, language, subject, body, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (shop_id, kind, language) DO UPDATE SET subject = excluded.subject,
		body = excluded.body, updated_at = excluded.updated_at`, t.ShopID, t.Kind, t.Language, t.Subject, t.Body, t.UpdatedAt)
	if pgCode(err) == "23503" {
		return fmt.Errorf("message template: shop %s: %w", t.ShopID, model.ErrNotFound)
	}
	return textError(wrap(err, "put message template"))
}

// ListMessageTemplates implements store.Messages.
func (s *Store) ListMessageTemplates(ctx context.Context, shopID string) ([]model.MessageTemplate, error) {
	if err := store.CheckText("shop_id", shopID); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT shop_id, kind, language, subject, body, updated_at FROM message_templates
		WHERE shop_id = $1 ORDER BY kind, language`, shopID)
	if err != nil {
		return nil, wrap(err, "list message templates")
	}
	defer rows.Close()
	var out []model.MessageTemplate
	for rows.Next() {
		var t model.MessageTemplate
		if err := rows.Scan(&t.ShopID, &t.Kind, &t.Language, &t.Subject, &t.Body, &t.UpdatedAt); err != nil {
			return nil, wrap(err, "list message templates")
		}
		t.UpdatedAt = t.UpdatedAt.UTC()
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
	err := s.inTx(ctx, "add buyer messages", func(tx pgx.Tx) error {
		added = 0
		for _, m := range ms {
			tag, err := tx.Exec(ctx, `INSERT INTO buyer_messages (`+buyerMessageColumns+`)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) ON CONFLICT (event_id, channel) DO NOTHING`,
				m.ID, m.ShopID, m.OrderID, m.EventID, m.Kind, m.Channel, m.Language, m.To, m.Subject, m.Body, string(m.Status),
				m.ScheduledAt, m.SentAt, m.Error, m.CreatedAt)
			if err != nil {
				return fmt.Errorf("insert buyer message %s: %w", m.ID, err)
			}
			if tag.RowsAffected() == 0 {
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
	return added, textError(err)
}

func scanBuyerMessage(r pgx.Row) (model.BuyerMessage, error) {
	var m model.BuyerMessage
	err := r.Scan(&m.ID, &m.ShopID, &m.OrderID, &m.EventID, &m.Kind, &m.Channel, &m.Language, &m.To, &m.Subject, &m.Body, &m.Status,
		&m.ScheduledAt, &m.SentAt, &m.Error, &m.CreatedAt)
	m.ScheduledAt, m.SentAt, m.CreatedAt = m.ScheduledAt.UTC(), utcPtr(m.SentAt), m.CreatedAt.UTC()
	return m, err
}

// GetBuyerMessage implements store.Messages.
func (s *Store) GetBuyerMessage(ctx context.Context, shopIDs []string, id string) (model.BuyerMessage, error) {
	if err := store.CheckScope(shopIDs, "id", id); err != nil {
		return model.BuyerMessage{}, err
	}
	m, err := scanBuyerMessage(s.pool.QueryRow(ctx, `SELECT `+buyerMessageColumns+` FROM buyer_messages WHERE id = $1 AND shop_id = ANY($2)`,
		id, shopIDs))
	if errors.Is(err, pgx.ErrNoRows) {
		return m, fmt.Errorf("buyer message %s: %w", id, model.ErrNotFound)
	}
	return m, wrap(err, "get buyer message")
}

// ListBuyerMessages implements store.Messages.
func (s *Store) ListBuyerMessages(ctx context.Context, shopIDs []string, orderID string) ([]model.BuyerMessage, error) {
	if err := store.CheckScope(shopIDs, "order_id", orderID); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT `+buyerMessageColumns+` FROM buyer_messages WHERE shop_id = ANY($1)
		AND ($2 = '' OR order_id = $2) ORDER BY seq LIMIT $3`, shopIDs, orderID, store.MaxQueryRows)
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
	var sent *time.Time
	if status == model.BuyerMessageSent {
		t := at.UTC()
		sent = &t
	}
	tag, err := s.pool.Exec(ctx, `UPDATE buyer_messages SET status = $1, sent_at = $2, error = $3 WHERE id = $4 AND status = 'scheduled'`,
		string(status), sent, errText, id)
	if err != nil {
		return false, textError(wrap(err, "finish buyer message "+id))
	}
	return tag.RowsAffected() == 1, nil
}
