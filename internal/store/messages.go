package store

import (
	"context"
	"time"

	"lastmile/internal/model"
)

// Messages is the storage of buyer messages (R-MKT-3, R-TRK-7): the shops' own templates and
// the log of every message, unique per (event, channel) so that none is sent twice.
type Messages interface {
	// PutMessageTemplate stores a shop's template for (kind, language), replacing any;
	// ErrNotFound when the shop does not exist.
	PutMessageTemplate(ctx context.Context, t model.MessageTemplate) error
	// ListMessageTemplates returns the shop's own templates, by kind and language.
	ListMessageTemplates(ctx context.Context, shopID string) ([]model.MessageTemplate, error)
	// AddBuyerMessages stores new messages in one transaction, skipping any whose (event,
	// channel) is stored already, each with job(message); it reports how many it added.
	AddBuyerMessages(ctx context.Context, ms []model.BuyerMessage, job BuyerMessageJobFunc) (int, error)
	// GetBuyerMessage returns the message id if its shop is in shopIDs, else ErrNotFound.
	GetBuyerMessage(ctx context.Context, shopIDs []string, id string) (model.BuyerMessage, error)
	// ListBuyerMessages returns the messages of shopIDs (of one order when orderID is set),
	// oldest first, at most MaxQueryRows.
	ListBuyerMessages(ctx context.Context, shopIDs []string, orderID string) ([]model.BuyerMessage, error)
	// FinishBuyerMessage records the outcome of a scheduled message (sent, failed or skipped)
	// and reports whether it did: a message that is no longer scheduled is left as it is.
	FinishBuyerMessage(ctx context.Context, id string, status model.BuyerMessageStatus, at time.Time, errText string) (bool, error)
}

// BuyerMessageJobFunc is the job that sends a stored message.
type BuyerMessageJobFunc func(m model.BuyerMessage) (Job, error)
