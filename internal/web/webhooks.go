package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"lastmile/internal/i18n"
	"lastmile/internal/model"
	"lastmile/internal/notify"
)

// recentDeliveries is how many deliveries the webhooks page shows, newest first.
const recentDeliveries = 20

// webhooksPage lists the shop's webhook subscriptions and their recent deliveries.
func (h *Handler) webhooksPage(w http.ResponseWriter, q *request) {
	h.showWebhooks(w, q, http.StatusOK, map[string]any{})
}

// showWebhooks renders the webhooks page with extra: the form as typed and its problems, or
// the secret of the subscription just made.
func (h *Handler) showWebhooks(w http.ResponseWriter, q *request, status int, extra map[string]any) {
	if h.d.Notify == nil {
		h.fail(w, q, fmt.Errorf("webhooks are not available: %w", model.ErrNotFound))
		return
	}
	ctx := q.r.Context()
	subs, err := h.d.Notify.ListSubscriptions(ctx, q.scope())
	if err != nil {
		h.fail(w, q, err)
		return
	}
	// The newest first, read backwards from the shop's index: the cost does not grow with the log.
	recent, err := h.d.Store.LatestWebhookDeliveries(ctx, q.scope().ShopIDs, recentDeliveries)
	if err != nil {
		h.fail(w, q, err)
		return
	}
	extra["Subscriptions"] = subs
	extra["Deliveries"] = recent
	extra["EventTypes"] = model.EventTypes
	if _, ok := extra["Checked"]; !ok {
		extra["Checked"] = map[string]bool{}
	}
	h.renderStatus(w, q, status, "webhooks", "web.webhooks.title", extra)
}

// createWebhook subscribes a URL to the checked event types; the page shows the signing
// secret once. A refused form comes back with 422 and each problem by its field.
func (h *Handler) createWebhook(w http.ResponseWriter, q *request) {
	if h.d.Notify == nil {
		h.fail(w, q, fmt.Errorf("webhooks are not available: %w", model.ErrNotFound))
		return
	}
	if err := q.r.ParseForm(); err != nil {
		h.fail(w, q, err)
		return
	}
	events := q.r.PostForm["events"]
	url := strings.TrimSpace(q.r.PostFormValue("url"))
	sub, err := h.d.Notify.CreateSubscription(q.r.Context(), q.scope(), notify.SubscriptionRequest{ShopID: q.shop.ID, URL: url, Events: events})
	var ve *model.ValidationError
	if errors.As(err, &ve) {
		checked := map[string]bool{}
		for _, e := range events {
			checked[e] = true
		}
		problems := map[string]string{}
		for _, p := range ve.Problems {
			field, _, _ := strings.Cut(p.Field, "[")
			problems[field] = p.Field + ": " + problemMessage(q.lang, p.Code, p.Field, p.Message)
		}
		h.showWebhooks(w, q, http.StatusUnprocessableEntity, map[string]any{"URL": url, "Checked": checked, "Problems": problems,
			"Problem": problemText(q.lang, ve.Problems)})
		return
	}
	if err != nil {
		h.fail(w, q, err)
		return
	}
	h.showWebhooks(w, q, http.StatusOK, map[string]any{"Created": sub})
}

// toggleWebhook enables or disables a subscription (enabled=true|false).
func (h *Handler) toggleWebhook(w http.ResponseWriter, q *request) {
	if h.d.Notify == nil {
		h.fail(w, q, fmt.Errorf("webhooks are not available: %w", model.ErrNotFound))
		return
	}
	var on bool
	switch q.r.PostFormValue("enabled") {
	case "true":
		on = true
	case "false":
	default:
		h.fail(w, q, &model.ValidationError{Problems: []model.FieldError{{Code: "invalid_value", Field: "enabled", Message: "enabled is true or false"}}})
		return
	}
	if _, err := h.d.Notify.UpdateSubscription(q.r.Context(), q.scope(), q.r.PathValue("id"), notify.PatchRequest{Enabled: &on}); err != nil {
		h.fail(w, q, err)
		return
	}
	redirect(w, q.r, "/settings/webhooks", i18n.T(q.lang, "web.saved", nil))
}

// replayDelivery sends a finished delivery again; one still queued or pending is refused (409).
func (h *Handler) replayDelivery(w http.ResponseWriter, q *request) {
	if h.d.Notify == nil {
		h.fail(w, q, fmt.Errorf("webhooks are not available: %w", model.ErrNotFound))
		return
	}
	_, err := h.d.Notify.Replay(q.r.Context(), q.scope(), q.r.PathValue("id"))
	var rr *notify.ReplayRefusal
	if errors.As(err, &rr) {
		err = fmt.Errorf("%s: %w", rr.Error(), model.ErrConflict)
	}
	if err != nil {
		h.fail(w, q, err)
		return
	}
	redirect(w, q.r, "/settings/webhooks", i18n.T(q.lang, "web.webhooks.replayed", nil))
}
