package model

import (
	"slices"
	"time"
)

// Shop is one seller's shop on one market; every order belongs to exactly one shop.
type Shop struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Market    Market    `json:"market"`
	TimeZone  string    `json:"time_zone"`
	CreatedAt time.Time `json:"created_at"`
}

// APIKey is the stored form of an API key: never the secret, only its SHA-256.
type APIKey struct {
	ID        string
	Name      string
	Hash      []byte
	ShopIDs   []string // one shop, or several for an operator key
	CreatedAt time.Time
	RevokedAt *time.Time
	// LastUsedAt is when the key last authenticated a request, to within a minute (nil: never).
	LastUsedAt *time.Time
}

// Scope is the set of shops a caller may see. Every read and write is filtered by it, so a key
// for shop B finds nothing of shop A's (404, never 403).
type Scope struct {
	KeyID   string
	ShopIDs []string
}

// Has reports whether shopID is in the scope.
func (s Scope) Has(shopID string) bool { return slices.Contains(s.ShopIDs, shopID) }
