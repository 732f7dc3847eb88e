package store

import (
	"context"
	"fmt"
	"time"

	"lastmile/internal/model"
)

// Connections is the storage of marketplace connections (model.Connection): one row per
// connected platform shop, unique by (platform, external shop id). Tokens are stored as the
// domain sealed them; the store never sees them in clear.
type Connections interface {
	// PutConnection stores c: a new connection when no connection of c.Platform and
	// c.ExternalShopID exists (c.ID is its id), else it replaces the stored one, keeping the
	// stored id and creation time (a shop connected again). It returns the connection as stored.
	// An unknown shop is ErrNotFound.
	PutConnection(ctx context.Context, c model.Connection) (model.Connection, error)
	// GetConnection returns the connection id, or ErrNotFound; with shopIDs not nil, only when
	// its shop is among them.
	GetConnection(ctx context.Context, shopIDs []string, id string) (model.Connection, error)
	// GetConnectionByExternal returns the connection of the platform's shop, or ErrNotFound.
	GetConnectionByExternal(ctx context.Context, platform, externalShopID string) (model.Connection, error)
	// ListConnections returns the connections of shopIDs (every connection when shopIDs is
	// nil), in id order.
	ListConnections(ctx context.Context, shopIDs []string) ([]model.Connection, error)
	// UpdateConnection loads the connection id (ErrNotFound when there is none), holds it, calls
	// fn and stores it when fn reports a change (its id, shop, platform, external id and creation
	// time stay). It returns the connection as it then stands.
	UpdateConnection(ctx context.Context, id string, fn func(*model.Connection) (bool, error)) (model.Connection, error)
}

// CheckConnection refuses a connection the store cannot keep: ids missing or not text.
func CheckConnection(c model.Connection) error {
	var tc TextCheck
	tc.Add("id", c.ID)
	tc.Add("shop_id", c.ShopID)
	tc.Add("platform", c.Platform)
	tc.Add("external_shop_id", c.ExternalShopID)
	tc.Add("status", c.Status)
	if err := tc.Err(); err != nil {
		return err
	}
	if c.ID == "" || c.ShopID == "" || c.Platform == "" || c.ExternalShopID == "" || c.Status == "" {
		return fmt.Errorf("connection: id, shop_id, platform, external_shop_id and status are required: %w", model.ErrInvalid)
	}
	return nil
}

// NormalizeConnection puts c's times in UTC at the stores' microsecond precision, so what is
// read back equals what was written.
func NormalizeConnection(c model.Connection) model.Connection {
	t := func(v time.Time) time.Time { return v.UTC().Truncate(time.Microsecond) }
	c.AccessExpiresAt, c.RefreshExpiresAt, c.SyncCursor = t(c.AccessExpiresAt), t(c.RefreshExpiresAt), t(c.SyncCursor)
	c.CreatedAt, c.UpdatedAt = t(c.CreatedAt), t(c.UpdatedAt)
	for _, p := range []**time.Time{&c.AuthExpiresAt, &c.LastSyncAt} {
		if *p != nil {
			v := t(**p)
			*p = &v
		}
	}
	return c
}
