package web

import (
	"fmt"
	"net/http"

	"lastmile/internal/i18n"
	"lastmile/internal/model"
)

// tiktokPage shows the shop's marketplace connections: status, token expiry, last sync and a
// "sync now" button; with none, how to connect one (the CLI command and the API).
func (h *Handler) tiktokPage(w http.ResponseWriter, q *request) {
	conns, err := h.d.Store.ListConnections(q.r.Context(), []string{q.shop.ID})
	if err != nil {
		h.fail(w, q, err)
		return
	}
	h.render(w, q, "tiktok", "web.tiktok.title", map[string]any{"Connections": conns, "Enabled": h.d.TikTok != nil})
}

// syncConnection pulls the connection's orders now (the API's POST /v1/connections/{id}/sync);
// a connection that is not connected is refused with 422 saying to connect it again.
func (h *Handler) syncConnection(w http.ResponseWriter, q *request) {
	if h.d.TikTok == nil {
		h.fail(w, q, fmt.Errorf("the TikTok Shop integration is not configured (tiktok_app_key): %w", model.ErrNotFound))
		return
	}
	if _, err := h.d.TikTok.SyncNow(q.r.Context(), q.scope(), q.r.PathValue("id")); err != nil {
		h.fail(w, q, err)
		return
	}
	redirect(w, q.r, "/settings/tiktok", i18n.T(q.lang, "web.tiktok.sync_started", nil))
}
