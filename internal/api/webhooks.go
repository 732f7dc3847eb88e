package api

import (
	"fmt"
	"net/http"
	"strings"

	"lastmile/internal/model"
	"lastmile/internal/notify"
)

// webhookRoutes are the outbound webhooks for ERPs (subscriptions and the delivery log) and the
// buyer messages.
func (s *Server) webhookRoutes() []route {
	return append([]route{
		{pattern: "POST /v1/webhook-subscriptions", handle: s.createWebhookSubscription},
		{pattern: "GET /v1/webhook-subscriptions", handle: s.listWebhookSubscriptions},
		{pattern: "GET /v1/webhook-subscriptions/{id}", handle: s.getWebhookSubscription},
		{pattern: "PATCH /v1/webhook-subscriptions/{id}", handle: s.patchWebhookSubscription},
		{pattern: "DELETE /v1/webhook-subscriptions/{id}", handle: s.deleteWebhookSubscription},
		{pattern: "GET /v1/webhook-deliveries", handle: s.listWebhookDeliveries},
		{pattern: "GET /v1/webhook-deliveries/{id}", handle: s.getWebhookDelivery},
		{pattern: "POST /v1/webhook-deliveries/{id}/replay", handle: s.replayWebhookDelivery},
	}, s.messageRoutes()...)
}

// createWebhookSubscription is POST /v1/webhook-subscriptions {"url","events":[…],"secret"?,
// "shop_id"?}: 201 with the subscription and its signing secret, shown only here.
func (s *Server) createWebhookSubscription(w http.ResponseWriter, r *http.Request) {
	var req notify.SubscriptionRequest
	body, err := readBody(r)
	if err != nil {
		s.fail(w, r, decodeError(err, nil, ""))
		return
	}
	if err := decodeStrict(body, &req); err != nil {
		s.fail(w, r, decodeError(err, body, ""))
		return
	}
	sub, err := s.deps.Notify.CreateSubscription(r.Context(), scopeOf(r.Context()), req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/v1/webhook-subscriptions/"+sub.ID)
	writeJSON(w, http.StatusCreated, sub)
}

// listWebhookSubscriptions is GET /v1/webhook-subscriptions.
func (s *Server) listWebhookSubscriptions(w http.ResponseWriter, r *http.Request) {
	subs, err := s.deps.Notify.ListSubscriptions(r.Context(), scopeOf(r.Context()))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if subs == nil {
		subs = []model.WebhookSubscription{}
	}
	writeJSON(w, http.StatusOK, struct {
		Subscriptions []model.WebhookSubscription `json:"subscriptions"`
	}{subs})
}

// getWebhookSubscription is GET /v1/webhook-subscriptions/{id}.
func (s *Server) getWebhookSubscription(w http.ResponseWriter, r *http.Request) {
	sub, err := s.deps.Notify.GetSubscription(r.Context(), scopeOf(r.Context()), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, sub)
}

// patchWebhookSubscription is PATCH /v1/webhook-subscriptions/{id} {"enabled":true|false}.
func (s *Server) patchWebhookSubscription(w http.ResponseWriter, r *http.Request) {
	var req notify.PatchRequest
	body, err := readBody(r)
	if err != nil {
		s.fail(w, r, decodeError(err, nil, ""))
		return
	}
	if err := decodeStrict(body, &req); err != nil {
		s.fail(w, r, decodeError(err, body, ""))
		return
	}
	sub, err := s.deps.Notify.UpdateSubscription(r.Context(), scopeOf(r.Context()), r.PathValue("id"), req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, sub)
}

// deleteWebhookSubscription is DELETE /v1/webhook-subscriptions/{id}: 204; its deliveries go too.
func (s *Server) deleteWebhookSubscription(w http.ResponseWriter, r *http.Request) {
	if err := s.deps.Notify.DeleteSubscription(r.Context(), scopeOf(r.Context()), r.PathValue("id")); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// listWebhookDeliveries is GET /v1/webhook-deliveries?subscription_id=&status=&limit=&cursor=:
// the delivery log, oldest first.
func (s *Server) listWebhookDeliveries(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	dq := notify.DeliveryQuery{SubscriptionID: q.Get("subscription_id")}
	var problems []model.FieldError
	for _, v := range q["status"] {
		for _, st := range strings.Split(v, ",") {
			status := model.WebhookDeliveryStatus(strings.ToLower(strings.TrimSpace(st)))
			if !status.Valid() {
				problems = append(problems, model.FieldError{Code: "status_unknown", Field: "status",
					Message: fmt.Sprintf("status %q is not one of %v", st, model.DeliveryStatuses)})
				continue
			}
			dq.Statuses = append(dq.Statuses, status)
		}
	}
	if dq.SubscriptionID != "" && !cleanText(dq.SubscriptionID) {
		problems = append(problems, model.FieldError{Code: "invalid_text", Field: "subscription_id",
			Message: "subscription_id is the id of a subscription, e.g. whs_…"})
	}
	dq.Limit, problems = parseLimit(q, problems)
	if v := q.Get("cursor"); v != "" {
		c, err := decodeCursor(v)
		if err != nil {
			problems = append(problems, model.FieldError{Code: "invalid_cursor", Field: "cursor",
				Message: "cursor is the next_cursor of the previous page, unchanged"})
		}
		dq.After = c
	}
	if len(problems) > 0 {
		s.fail(w, r, &model.ValidationError{Problems: problems})
		return
	}
	list, next, err := s.deps.Notify.ListDeliveries(r.Context(), scopeOf(r.Context()), dq)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if list == nil {
		list = []model.WebhookDelivery{}
	}
	resp := struct {
		Deliveries []model.WebhookDelivery `json:"deliveries"`
		NextCursor *string                 `json:"next_cursor"`
	}{Deliveries: list, NextCursor: nextPageToken(next)}
	writeJSON(w, http.StatusOK, resp)
}

// getWebhookDelivery is GET /v1/webhook-deliveries/{id}.
func (s *Server) getWebhookDelivery(w http.ResponseWriter, r *http.Request) {
	d, err := s.deps.Notify.GetDelivery(r.Context(), scopeOf(r.Context()), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

// replayWebhookDelivery is POST /v1/webhook-deliveries/{id}/replay: a delivered or failed
// delivery is sent again now, with the same event id; 202 with it, pending.
func (s *Server) replayWebhookDelivery(w http.ResponseWriter, r *http.Request) {
	d, err := s.deps.Notify.Replay(r.Context(), scopeOf(r.Context()), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, d)
}

// messageRoutes are the buyer messages (R-MKT-3, R-TRK-7): the shops' templates and the log.
func (s *Server) messageRoutes() []route {
	return []route{
		{pattern: "POST /v1/message-templates", handle: s.putMessageTemplate},
		{pattern: "GET /v1/message-templates", handle: s.listMessageTemplates},
		{pattern: "GET /v1/buyer-messages", handle: s.listBuyerMessages},
	}
}

// putMessageTemplate is POST /v1/message-templates {"kind","language","subject","body",
// "shop_id"?}: the shop's own wording of one kind of message in one language (text/template).
func (s *Server) putMessageTemplate(w http.ResponseWriter, r *http.Request) {
	var req notify.TemplateRequest
	body, err := readBody(r)
	if err != nil {
		s.fail(w, r, decodeError(err, nil, ""))
		return
	}
	if err := decodeStrict(body, &req); err != nil {
		s.fail(w, r, decodeError(err, body, ""))
		return
	}
	t, err := s.deps.Notify.PutTemplate(r.Context(), scopeOf(r.Context()), req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, t)
}

// listMessageTemplates is GET /v1/message-templates?shop_id=: the wording every kind of message
// uses in every language, the shop's own or lastmile's (default: true).
func (s *Server) listMessageTemplates(w http.ResponseWriter, r *http.Request) {
	ts, err := s.deps.Notify.Templates(r.Context(), scopeOf(r.Context()), r.URL.Query().Get("shop_id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Templates []model.MessageTemplate `json:"templates"`
	}{ts})
}

// listBuyerMessages is GET /v1/buyer-messages?order_id=: the log of buyer messages, oldest first.
func (s *Server) listBuyerMessages(w http.ResponseWriter, r *http.Request) {
	orderID := r.URL.Query().Get("order_id")
	if orderID != "" && !cleanText(orderID) {
		s.fail(w, r, &model.ValidationError{Problems: []model.FieldError{{Code: "invalid_text", Field: "order_id",
			Message: "order_id is an order's id, e.g. ord_…"}}})
		return
	}
	ms, err := s.deps.Notify.ListMessages(r.Context(), scopeOf(r.Context()), orderID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if ms == nil {
		ms = []model.BuyerMessage{}
	}
	writeJSON(w, http.StatusOK, struct {
		Messages []model.BuyerMessage `json:"messages"`
	}{ms})
}
