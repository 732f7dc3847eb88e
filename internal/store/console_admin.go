package store

import (
	"context"
	"fmt"
	"time"

	"lastmile/internal/model"
)

// ErrLastOwner refuses a role change that would leave a shop without an owner: someone must be
// able to manage its people and keys. It wraps model.ErrConflict.
var ErrLastOwner = fmt.Errorf("the shop's last owner keeps the role: %w", model.ErrConflict)

// ConsoleAdmin is the storage behind the console's settings and Today page: a shop's API keys
// with their last use, a person's role changed or removed with the last-owner rule held inside
// the transaction, the newest webhook deliveries, and the deadlines at risk or breached now.
type ConsoleAdmin interface {
	// ListShopAPIKeys returns the keys that grant any of shopIDs, revoked ones included, newest
	// first, each with all its shops.
	ListShopAPIKeys(ctx context.Context, shopIDs []string) ([]model.APIKey, error)
	// TouchAPIKey records that the key id was used at at, unless its recorded last use is at
	// or after at-every already (so that a busy key is written at most once per every, whatever
	// the number of nodes). It reports whether it wrote; an unknown key writes nothing.
	TouchAPIKey(ctx context.Context, id string, at time.Time, every time.Duration) (bool, error)

	// ChangeShopRole sets userID's role in shopID (role "" removes it) in one transaction that
	// holds the shop's roles, so that two changes at once cannot both remove the last owner:
	// a change that would leave the shop with no owner is ErrLastOwner and changes nothing.
	// Removing a role the user does not have, or an unknown user or shop, is ErrNotFound.
	ChangeShopRole(ctx context.Context, userID, shopID string, role model.Role) error

	// LatestWebhookDeliveries returns the newest limit deliveries (at most MaxQueryRows) of
	// shopIDs, newest first by (CreatedAt, ID), read from the shop's index, not the whole log.
	LatestWebhookDeliveries(ctx context.Context, shopIDs []string, limit int) ([]model.WebhookDelivery, error)

	// ListOpenDeadlines returns up to q.Limit deadlines (at most MaxQueryRows) of q.ShopIDs in
	// state q.State that are not met: at_risk ones by due time, earliest first; breached ones
	// latest first (the most recent breach on top). Paging goes on after q.After.
	ListOpenDeadlines(ctx context.Context, q OpenDeadlineQuery) ([]DeadlineRow, error)
	// CountOpenDeadlines counts the deadlines of shopIDs at risk and breached (not met).
	CountOpenDeadlines(ctx context.Context, shopIDs []string) (atRisk, breached int64, err error)
}

// The states ListOpenDeadlines lists (those of sla.State).
const (
	DeadlineAtRisk   = "at_risk"
	DeadlineBreached = "breached"
)

// OpenDeadlineQuery selects deadlines at risk or breached.
type OpenDeadlineQuery struct {
	ShopIDs []string
	State   string // DeadlineAtRisk or DeadlineBreached
	After   *DeadlineCursor
	Limit   int
}

// DeadlineCursor is a position in a ListOpenDeadlines listing: the last row's due time and key.
type DeadlineCursor struct {
	DueAt time.Time
	Key   string
}

// CheckOpenDeadlineQuery refuses a state ListOpenDeadlines does not list.
func CheckOpenDeadlineQuery(q OpenDeadlineQuery) error {
	if q.State != DeadlineAtRisk && q.State != DeadlineBreached {
		return fmt.Errorf("deadline state %q: want %s or %s: %w", q.State, DeadlineAtRisk, DeadlineBreached, model.ErrInvalid)
	}
	var c TextCheck
	c.AddAll("shop_ids", q.ShopIDs)
	if q.After != nil {
		c.Add("after", q.After.Key)
	}
	return c.Err()
}
