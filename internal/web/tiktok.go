package web

import (
	"fmt"
	"net/http"
	"time"

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
// a connection that is not connected is refused with 422 saying to connect it again. A click
// while a pull runs joins that pull and reports when it started.
func (h *Handler) syncConnection(w http.ResponseWriter, q *request) {
	if h.d.TikTok == nil {
		h.fail(w, q, fmt.Errorf("the TikTok Shop integration is not configured (tiktok_app_key): %w", model.ErrNotFound))
		return
	}
	c, err := h.d.TikTok.SyncNow(q.r.Context(), q.scope(), q.r.PathValue("id"))
	if err != nil {
		h.fail(w, q, err)
		return
	}
	if c.SyncStartedAt != nil {
		// The pull job is unique per connection: while one runs, the click joins it rather than
		// queueing another, and says so.
		at := *c.SyncStartedAt
		if l, err := time.LoadLocation(q.shop.TimeZone); err == nil {
			at = at.In(l)
		}
		redirect(w, q.r, "/settings/tiktok", i18n.T(q.lang, "web.tiktok.sync_running", i18n.Args{"at": at.Format("2006-01-02 15:04:05")}))
		return
	}
	redirect(w, q.r, "/settings/tiktok", i18n.T(q.lang, "web.tiktok.sync_started", nil))
}

// retryPush runs the order's refused TikTok push again (the API's POST /v1/orders/{id}/push),
// from the button the order page shows beside the problem tiktok_push_failed.
func (h *Handler) retryPush(w http.ResponseWriter, q *request) {
	id := q.r.PathValue("id")
	if h.d.TikTok == nil {
		h.fail(w, q, fmt.Errorf("the TikTok Shop integration is not configured (tiktok_app_key): %w", model.ErrNotFound))
		return
	}
	if _, _, err := h.d.TikTok.RetryPush(q.r.Context(), q.scope(), id); err != nil {
		h.fail(w, q, err)
		return
	}
	redirect(w, q.r, "/orders/"+id, i18n.T(q.lang, "web.order.push_queued", nil))
}
