package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

// KindSendMessage sends one buyer message.
const KindSendMessage = "notify.send_message"

// SendArgs are a notify.send_message job's arguments.
type SendArgs struct {
	ShopID    string `json:"shop_id"`
	MessageID string `json:"message_id"`
}

// Kind implements store.JobArgs.
func (SendArgs) Kind() string { return KindSendMessage }

// QuietHours is the part of the buyer's day no message is sent in (R-MKT-3): from Start to End
// local time, crossing midnight when Start is after End. Equal bounds: none.
type QuietHours struct {
	Start, End time.Duration // time of day
}

// DefaultQuietHours are 21:00 to 08:00.
var DefaultQuietHours = QuietHours{Start: 21 * time.Hour, End: 8 * time.Hour}

// Until returns when a message due at t (in loc) may be sent: t itself, or the end of the quiet
// hours t falls in.
func (q QuietHours) Until(t time.Time, loc *time.Location) time.Time {
	if q.Start == q.End {
		return t
	}
	local := t.In(loc)
	midnight := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, loc)
	at := local.Sub(midnight)
	end := func(day time.Time) time.Time {
		h, m := int(q.End/time.Hour), int(q.End%time.Hour/time.Minute)
		return time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, loc).UTC()
	}
	switch {
	case q.Start < q.End && at >= q.Start && at < q.End: // e.g. 01:00–06:00
		return end(local)
	case q.Start > q.End && at >= q.Start: // evening part of 21:00–08:00
		return end(midnight.AddDate(0, 0, 1))
	case q.Start > q.End && at < q.End: // morning part
		return end(local)
	}
	return t
}

// eventFields are the fields buyer messages read from an event's data, whatever emitted it.
type eventFields struct {
	ID             string `json:"id"`
	Status         string `json:"status"`
	Carrier        string `json:"carrier"`
	TrackingNumber string `json:"tracking_number"`
	Reason         string `json:"reason"`
	Remedy         string `json:"remedy"`
	// Rule is a deadline alert's rule id (deadline.*); Description and SuggestedAction an
	// exception's (exception.opened), the reason and remedy when the event names none.
	Rule            string `json:"rule"`
	Description     string `json:"description"`
	SuggestedAction string `json:"suggested_action"`
}

// buyerDeadlines are the deadlines a buyer waits on: shipping, the first scan, the promised
// and the latest delivery. The others (confirming, printing, the carrier's reports) are the
// seller's business, and a buyer is not told of them.
var buyerDeadlines = []string{"R-SHIP-1", "R-TRK-1", "R-SLA-1", "R-SLA-2"}

// messageKind says which buyer message an event calls for, if any, and whether that kind is
// sent once per order (shipped, out for delivery, delivered, return received, refund issued)
// rather than once per event (a delay, an exception, which may happen again).
func messageKind(typ string, f eventFields) (kind string, oncePerOrder bool) {
	status := strings.ToLower(strings.TrimSpace(f.Status))
	switch typ {
	case model.EventTrackingUpdated:
		switch status {
		case "in_transit", "picked_up", "handed_over", "shipped":
			return model.MessageShipped, true
		case "out_for_delivery":
			return model.MessageOutForDelivery, true
		case "delivered":
			return model.MessageDelivered, true
		}
	case model.EventDeadlineAtRisk, model.EventDeadlineBreached:
		if f.Rule == "" || slices.Contains(buyerDeadlines, f.Rule) {
			return model.MessageDelayed, false
		}
	case model.EventExceptionOpened:
		return model.MessageException, false
	case model.EventReturnUpdated:
		switch model.ReturnStatus(f.Status) {
		case model.ReturnCompleted:
			return model.MessageReturnReceived, true
		case model.ReturnRefunded:
			return model.MessageRefundIssued, true
		}
	}
	return "", false
}

// Messages writes the buyer messages an event calls for, one per channel, in the buyer's
// language with the shop's wording (or lastmile's), due now or at the end of the buyer's quiet
// hours, and reports how many it added. Each is unique per (event, channel) — per (order, kind,
// channel) for the kinds sent once per order — so a repeated event sends nothing twice.
func (s *Service) Messages(ctx context.Context, eventID string, ev model.NotifyEvent) (int, error) {
	if len(s.d.Channels) == 0 || ev.OrderID == "" {
		return 0, nil
	}
	var f eventFields
	if len(ev.Data) > 0 {
		if err := json.Unmarshal(ev.Data, &f); err != nil {
			return 0, permanent{fmt.Errorf("%s %s data: %w", ev.Type, eventID, err)}
		}
	}
	kind, once := messageKind(ev.Type, f)
	if kind == "" {
		return 0, nil
	}
	o, err := s.d.Store.GetOrder(ctx, []string{ev.ShopID}, ev.OrderID)
	if errors.Is(err, model.ErrNotFound) {
		return 0, nil // not an order lastmile has: nobody to tell
	}
	if err != nil {
		return 0, err
	}
	data := MessageData{BuyerName: o.Buyer.Name, OrderNumber: o.ExternalID, Carrier: f.Carrier, TrackingNumber: f.TrackingNumber,
		Reason: f.Reason, Remedy: f.Remedy}
	if ev.Type == model.EventReturnUpdated {
		data.ReturnID = f.ID
	}
	if data.Reason == "" {
		data.Reason = f.Description
	}
	if data.Remedy == "" {
		data.Remedy = f.SuggestedAction
	}
	if data.Reason == "" {
		data.Reason = "—"
	}
	if data.Remedy == "" {
		data.Remedy = "—"
	}
	lang := LanguageOf(o.Market)
	w, err := s.wordingFor(ctx, ev.ShopID, kind, lang)
	if err != nil {
		return 0, err
	}
	subject, body, err := renderWording(w, data)
	if err != nil {
		return 0, permanent{fmt.Errorf("%s message of shop %s in %s: %w", kind, ev.ShopID, lang, err)}
	}
	now := s.clock()
	due := s.cfg.QuietHours.Until(now, s.zoneOf(o.Market))
	key := eventID
	if once {
		key = o.ID + "/" + kind
	}
	var ms []model.BuyerMessage
	for _, ch := range s.d.Channels {
		m := model.BuyerMessage{ID: s.ids.New("msg", now), ShopID: ev.ShopID, OrderID: o.ID, EventID: key, Kind: kind, Channel: ch.Name(),
			Language: lang, To: ch.Recipient(o), Subject: subject, Body: body, Status: model.BuyerMessageScheduled, ScheduledAt: due, CreatedAt: now}
		if m.To == "" {
			m.Status, m.Error = model.BuyerMessageSkipped, "the channel has no address for this buyer"
		}
		ms = append(ms, m)
	}
	return s.d.Store.AddBuyerMessages(ctx, ms, s.sendJob)
}

// zoneOf is the buyer's time zone: their market's (R-MKT-1); UTC when unknown.
func (s *Service) zoneOf(m model.Market) *time.Location {
	if mk, ok := s.d.Markets[m]; ok {
		if loc, err := time.LoadLocation(mk.TimeZone); err == nil {
			return loc
		}
	}
	return time.UTC
}

// sendJob is the job that sends m at its time.
func (s *Service) sendJob(m model.BuyerMessage) (store.Job, error) {
	return store.NewJob(SendArgs{ShopID: m.ShopID, MessageID: m.ID}, store.RunAt(m.ScheduledAt), store.UniqueBy(m.ID))
}

// SendMessage sends a scheduled message through its channel and records the outcome; a
// message already sent, failed or skipped is left alone, so a repeated job sends nothing.
func (s *Service) SendMessage(ctx context.Context, a SendArgs) error {
	m, err := s.d.Store.GetBuyerMessage(ctx, []string{a.ShopID}, a.MessageID)
	if errors.Is(err, model.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if m.Status != model.BuyerMessageScheduled {
		return nil
	}
	i := slices.IndexFunc(s.d.Channels, func(c Channel) bool { return c.Name() == m.Channel })
	if i < 0 {
		_, err := s.d.Store.FinishBuyerMessage(ctx, m.ID, model.BuyerMessageFailed, s.clock(), "channel "+m.Channel+" is not configured")
		return err
	}
	serr := s.d.Channels[i].Send(ctx, m)
	var p interface{ Permanent() bool }
	switch {
	case serr == nil:
		ok, err := s.d.Store.FinishBuyerMessage(ctx, m.ID, model.BuyerMessageSent, s.clock(), "")
		if ok {
			s.d.Log.Info("buyer message sent", "message", m.ID, "order", m.OrderID, "kind", m.Kind, "channel", m.Channel, "language", m.Language)
		}
		return err
	case errors.As(serr, &p) && p.Permanent():
		_, err := s.d.Store.FinishBuyerMessage(ctx, m.ID, model.BuyerMessageFailed, s.clock(), cleanText(serr.Error()))
		s.d.Log.Warn("buyer message refused", "message", m.ID, "channel", m.Channel, "err", serr)
		return err
	}
	return fmt.Errorf("send buyer message %s by %s: %w", m.ID, m.Channel, serr) // retried by the job engine
}

// wordingFor is the shop's template for (kind, lang), else lastmile's.
func (s *Service) wordingFor(ctx context.Context, shopID, kind, lang string) (wording, error) {
	own, err := s.d.Store.ListMessageTemplates(ctx, shopID)
	if err != nil {
		return wording{}, err
	}
	for _, t := range own {
		if t.Kind == kind && t.Language == lang {
			return wording{t.Subject, t.Body}, nil
		}
	}
	return defaultTemplates[kind][lang], nil
}

// TemplateRequest is POST /v1/message-templates' body.
type TemplateRequest struct {
	ShopID   string `json:"shop_id,omitempty"`
	Kind     string `json:"kind"`
	Language string `json:"language"`
	Subject  string `json:"subject"`
	Body     string `json:"body"`
}

// PutTemplate stores a shop's own wording of one kind of message in one language, after
// trying it on sample data: a template that does not parse or names a field MessageData does
// not have is refused, naming the field of the request.
func (s *Service) PutTemplate(ctx context.Context, scope model.Scope, req TemplateRequest) (model.MessageTemplate, error) {
	shop, err := shopOf(scope, req.ShopID)
	if err != nil {
		return model.MessageTemplate{}, err
	}
	var problems []model.FieldError
	if !slices.Contains(model.MessageKinds, req.Kind) {
		problems = append(problems, invalid("unknown_kind", "kind", fmt.Sprintf("%q: want one of %s", req.Kind, strings.Join(model.MessageKinds, ", "))))
	}
	if !slices.Contains(model.MessageLanguages, req.Language) {
		problems = append(problems, invalid("unknown_language", "language", fmt.Sprintf("%q: want one of %s", req.Language, strings.Join(model.MessageLanguages, ", "))))
	}
	for _, f := range []struct {
		name, text string
		max        int
	}{{"subject", req.Subject, maxSubjectLen}, {"body", req.Body, maxBodyLen}} {
		switch {
		case strings.TrimSpace(f.text) == "":
			problems = append(problems, invalid("missing_field", f.name, f.name+" is required"))
		case len(f.text) > f.max:
			problems = append(problems, invalid("too_long", f.name, fmt.Sprintf("%d bytes: at most %d", len(f.text), f.max)))
		default:
			if _, err := render(f.name, f.text, sampleData); err != nil {
				problems = append(problems, invalid("invalid_template", f.name, fmt.Sprintf("%v; a template may use {{.BuyerName}}, {{.OrderNumber}}, "+
					"{{.Carrier}}, {{.TrackingNumber}}, {{.Reason}}, {{.Remedy}} and {{.ReturnID}}", err)))
			}
		}
	}
	if len(problems) > 0 {
		return model.MessageTemplate{}, &model.ValidationError{Problems: problems}
	}
	t := model.MessageTemplate{ShopID: shop, Kind: req.Kind, Language: req.Language, Subject: req.Subject, Body: req.Body, UpdatedAt: s.clock()}
	return t, s.d.Store.PutMessageTemplate(ctx, t)
}

// Templates returns the wording a shop's messages use: its own templates, and lastmile's for
// every (kind, language) it has not set (Default true).
func (s *Service) Templates(ctx context.Context, scope model.Scope, shopID string) ([]model.MessageTemplate, error) {
	shop, err := shopOf(scope, shopID)
	if err != nil {
		return nil, err
	}
	own, err := s.d.Store.ListMessageTemplates(ctx, shop)
	if err != nil {
		return nil, err
	}
	var out []model.MessageTemplate
	for _, kind := range model.MessageKinds {
		for _, lang := range model.MessageLanguages {
			i := slices.IndexFunc(own, func(t model.MessageTemplate) bool { return t.Kind == kind && t.Language == lang })
			if i >= 0 {
				out = append(out, own[i])
				continue
			}
			w := defaultTemplates[kind][lang]
			out = append(out, model.MessageTemplate{ShopID: shop, Kind: kind, Language: lang, Subject: w.subject, Body: w.body, Default: true})
		}
	}
	return out, nil
}

// ListMessages returns the scope's buyer messages (of one order when orderID is set).
func (s *Service) ListMessages(ctx context.Context, scope model.Scope, orderID string) ([]model.BuyerMessage, error) {
	return s.d.Store.ListBuyerMessages(ctx, scope.ShopIDs, orderID)
}
