package api

import (
	"net/http"
	"time"

	"lastmile/internal/tenant"
)

// apiKeyRoutes are the API keys' listing.
func (s *Server) apiKeyRoutes() []route {
	return []route{
		{pattern: "GET /v1/api-keys", handle: s.listAPIKeys},
	}
}

// apiKeyJSON is a key as GET /v1/api-keys shows it: never its secret nor its hash.
type apiKeyJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Prefix is how the key's secret starts (lm_<id>_), to recognise it in a configuration.
	Prefix string `json:"prefix"`
	// ShopIDs are the key's shops among the caller's; Shared says it grants others too.
	ShopIDs    []string   `json:"shop_ids"`
	Shared     bool       `json:"shared"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

// listAPIKeys is GET /v1/api-keys: the keys that reach any of the caller's shops, newest first,
// revoked ones included, with when each was last used (to within a minute).
func (s *Server) listAPIKeys(w http.ResponseWriter, r *http.Request) {
	keys, err := s.deps.Tenants.Keys(r.Context(), scopeOf(r.Context()))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]apiKeyJSON, 0, len(keys))
	for _, k := range keys {
		out = append(out, apiKeyJSON{ID: k.ID, Name: k.Name, Prefix: tenant.Prefix(k.ID), ShopIDs: k.ShopIDs, Shared: k.Shared,
			CreatedAt: k.CreatedAt, LastUsedAt: k.LastUsedAt, RevokedAt: k.RevokedAt})
	}
	writeJSON(w, http.StatusOK, struct {
		APIKeys []apiKeyJSON `json:"api_keys"`
	}{out})
}
