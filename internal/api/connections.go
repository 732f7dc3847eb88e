package api

import (
	"errors"
	"fmt"
	"io"
	"net/http"

	"lastmile/internal/model"
	"lastmile/internal/tiktokshop"
)

// connectionRoutes are the marketplace connections (docs/tiktok.md): connect a TikTok shop
// with an authorisation code, list and read connections, pull a shop's orders now, and the
// platform's webhooks (public: they carry the platform's own signature, not an API key).
func (s *Server) connectionRoutes() []route {
	return []route{
		{pattern: "POST /v1/connections/tiktok", handle: s.connectTikTok},
		{pattern: "GET /v1/connections", handle: s.listConnections},
		{pattern: "GET /v1/connections/{id}", handle: s.getConnection},
		{pattern: "POST /v1/connections/{id}/sync", handle: s.syncConnection},
		{pattern: "POST /v1/orders/{id}/push", handle: s.retryPush},
		{pattern: "POST /webhooks/tiktok", public: true, handle: s.tiktokWebhook},
		{pattern: "GET /v1/cancellations", handle: s.listCancellations},
		{pattern: "POST /v1/cancellations/{id}/approve", handle: s.approveCancellation},
		{pattern: "POST /v1/cancellations/{id}/reject", handle: s.rejectCancellation},
	}
}

// listCancellations is GET /v1/cancellations: the buyers' pending cancellation requests of
// the key's connected TikTok shops, each with its deadline (R-ORD-4), the nearest first.
func (s *Server) listCancellations(w http.ResponseWriter, r *http.Request) {
	if s.deps.TikTok == nil {
		writeJSON(w, http.StatusOK, map[string]any{"cancellations": []any{}})
		return
	}
	list, err := s.deps.TikTok.Cancellations(r.Context(), scopeOf(r.Context()))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"cancellations": list})
}

// approveCancellation is POST /v1/cancellations/{id}/approve: accept the buyer's request on
// the platform and cancel the order in lastmile, releasing its stock.
func (s *Server) approveCancellation(w http.ResponseWriter, r *http.Request) {
	var body struct{}
	if !s.decodeOptionalBody(w, r, &body) {
		return
	}
	if s.deps.TikTok == nil {
		s.fail(w, r, fmt.Errorf("cancellation %s: %w", r.PathValue("id"), model.ErrNotFound))
		return
	}
	c, err := s.deps.TikTok.ApproveCancellation(r.Context(), scopeOf(r.Context()), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

// rejectCancellation is POST /v1/cancellations/{id}/reject {"reason"}: refuse the buyer's
// request on the platform; the reason is shown to the buyer.
func (s *Server) rejectCancellation(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Reason string `json:"reason"`
	}
	if !s.decodeBody(w, r, &body) {
		return
	}
	if s.deps.TikTok == nil {
		s.fail(w, r, fmt.Errorf("cancellation %s: %w", r.PathValue("id"), model.ErrNotFound))
		return
	}
	c, err := s.deps.TikTok.RejectCancellation(r.Context(), scopeOf(r.Context()), r.PathValue("id"), body.Reason)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

// errTikTokOff answers a TikTok call on a server with no TikTok app configured.
var errTikTokOff = &apiError{Status: http.StatusConflict, Code: "tiktok_not_configured",
	Message: "no TikTok Shop app is configured on this server: set tiktok_app_key, tiktok_app_secret and tiktok_token_key (LASTMILE_TIKTOK_APP_KEY, LASTMILE_TIKTOK_APP_SECRET, LASTMILE_TIKTOK_TOKEN_KEY; docs/configuration.md)"}

// connectTikTok is POST /v1/connections/tiktok {"auth_code", "shop_id", "tiktok_shop_id"}:
// exchange the code for the seller's tokens and connect the shop (201).
func (s *Server) connectTikTok(w http.ResponseWriter, r *http.Request) {
	var req tiktokshop.ConnectRequest
	if !s.decodeBody(w, r, &req) {
		return
	}
	if req.ShopID != "" && !scopeOf(r.Context()).Has(req.ShopID) {
		s.fail(w, r, fmt.Errorf("shop %s: %w", req.ShopID, model.ErrNotFound))
		return
	}
	if s.deps.TikTok == nil {
		s.fail(w, r, errTikTokOff)
		return
	}
	c, err := s.deps.TikTok.Connect(r.Context(), scopeOf(r.Context()), req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, c)
}

// listConnections is GET /v1/connections: the connections of the key's shops.
func (s *Server) listConnections(w http.ResponseWriter, r *http.Request) {
	list, err := s.deps.Store.ListConnections(r.Context(), scopeOf(r.Context()).ShopIDs)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if list == nil {
		list = []model.Connection{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"connections": list})
}

// getConnection is GET /v1/connections/{id}.
func (s *Server) getConnection(w http.ResponseWriter, r *http.Request) {
	c, err := s.deps.Store.GetConnection(r.Context(), scopeOf(r.Context()).ShopIDs, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

// syncConnection is POST /v1/connections/{id}/sync: pull the shop's orders now (202: the pull
// runs as a job; GET the connection for its last_sync_at and orders_synced).
func (s *Server) syncConnection(w http.ResponseWriter, r *http.Request) {
	if s.deps.TikTok == nil {
		if _, err := s.deps.Store.GetConnection(r.Context(), scopeOf(r.Context()).ShopIDs, r.PathValue("id")); err != nil {
			s.fail(w, r, err)
			return
		}
		s.fail(w, r, errTikTokOff)
		return
	}
	c, err := s.deps.TikTok.SyncNow(r.Context(), scopeOf(r.Context()), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"connection": c, "sync": "enqueued"})
}

// retryPush is POST /v1/orders/{id}/push: run the order's refused TikTok push again (the
// problem tiktok_push_failed), 202 with the order and how many shipments were queued; 409
// nothing_to_retry when the order has no refused push or no labelled shipment to push.
// Repeating it is safe: a push still queued is not doubled.
func (s *Server) retryPush(w http.ResponseWriter, r *http.Request) {
	sc := scopeOf(r.Context())
	if s.deps.TikTok == nil {
		if _, err := s.deps.Store.GetOrder(r.Context(), sc.ShopIDs, r.PathValue("id")); err != nil {
			s.fail(w, r, err)
			return
		}
		s.fail(w, r, errTikTokOff)
		return
	}
	o, n, err := s.deps.TikTok.RetryPush(r.Context(), sc, r.PathValue("id"))
	if errors.Is(err, tiktokshop.ErrNothingToRetry) {
		s.fail(w, r, &apiError{Status: http.StatusConflict, Code: "nothing_to_retry", Field: "id", Message: err.Error()})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"order": o, "push": "enqueued", "shipments": n})
}

// maxWebhookBody bounds a TikTok webhook: the platform's are a few hundred bytes.
const maxWebhookBody = 1 << 20

// tiktokWebhook is POST /webhooks/tiktok: the platform's event, signed in the Authorization
// header (hex HMAC-SHA256 of app key + body under the app secret, no "Bearer"). A missing or
// wrong signature is 401 (and counted); any event signed right is acknowledged with 200 at once,
// whatever its type, and its work runs as a job.
func (s *Server) tiktokWebhook(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxWebhookBody+1))
	if err != nil {
		s.fail(w, r, decodeError(err, nil, ""))
		return
	}
	if len(body) > maxWebhookBody {
		s.fail(w, r, &apiError{Status: http.StatusRequestEntityTooLarge, Code: "body_too_large",
			Message: fmt.Sprintf("a TikTok webhook is at most %d bytes", maxWebhookBody)})
		return
	}
	if s.deps.TikTok == nil {
		s.fail(w, r, fmt.Errorf("no TikTok Shop app is configured to check the webhook's signature (tiktok_app_key): %w", model.ErrUnauthorized))
		return
	}
	rec, err := s.deps.TikTok.Receive(r.Context(), r.Header.Get("Authorization"), body)
	if err != nil {
		if errors.Is(err, model.ErrUnauthorized) {
			s.fail(w, r, &apiError{Status: http.StatusUnauthorized, Code: "bad_signature", Message: err.Error()})
			return
		}
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"code": 0, "message": "success", "type": rec.Type, "action": rec.Action})
}
