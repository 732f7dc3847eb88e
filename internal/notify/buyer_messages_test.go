package notify_test

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"mime"
	"net"
	"net/textproto"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"lastmile/internal/config"
	"lastmile/internal/model"
	"lastmile/internal/notify"
	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

// smtpServer is a tiny SMTP server on loopback that keeps every message it is given.
type smtpServer struct {
	ln   net.Listener
	mu   sync.Mutex
	mail []mail
}

type mail struct {
	to      string
	subject string
	body    string
}

func newSMTPServer(t *testing.T) *smtpServer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpServer{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

func (s *smtpServer) serve(c net.Conn) {
	defer c.Close()
	tp := textproto.NewConn(c)
	tp.PrintfLine("220 test ESMTP")
	var to string
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.Fields(line + " x")[0])
		switch cmd {
		case "EHLO", "HELO":
			tp.PrintfLine("250 test")
		case "MAIL":
			tp.PrintfLine("250 ok")
		case "RCPT":
			to = strings.Trim(strings.TrimPrefix(strings.ToUpper(line[:8]), "RCPT TO:")+line[8:], "<> ")
			tp.PrintfLine("250 ok")
		case "DATA":
			tp.PrintfLine("354 go on")
			raw, err := tp.ReadDotBytes()
			if err != nil {
				return
			}
			s.keep(to, raw)
			tp.PrintfLine("250 kept")
		case "QUIT":
			tp.PrintfLine("221 bye")
			return
		default:
			tp.PrintfLine("250 ok")
		}
	}
}

func (s *smtpServer) keep(to string, raw []byte) {
	r := textproto.NewReader(bufio.NewReader(strings.NewReader(string(raw))))
	h, _ := r.ReadMIMEHeader()
	rest, _ := r.ReadDotBytes()
	subject, _ := new(mime.WordDecoder).DecodeHeader(h.Get("Subject"))
	body, _ := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(rest)), ""))
	if len(body) == 0 {
		body = rest
	}
	s.mu.Lock()
	s.mail = append(s.mail, mail{to: to, subject: subject, body: string(body)})
	s.mu.Unlock()
}

func (s *smtpServer) received() []mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.mail)
}

// putOrder stores an order of shop_a in market m with the buyer's e-mail address.
func putOrder(t *testing.T, st store.Store, ext string, m model.Market, email string) model.Order {
	t.Helper()
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	o := model.Order{ID: "ord_" + ext, ShopID: "shop_a", ExternalID: ext, Market: m, Currency: "USD", Status: model.StatusInTransit,
		CreatedAt: at, UpdatedAt: at, ReceivedAt: at, ModifiedAt: at, Version: 1, Buyer: model.Buyer{Name: "Siti", Email: email}}
	res, err := st.UpsertOrders(context.Background(), "shop_a", []model.Order{o}, func(_ *model.Order, in model.Order) (model.Order, model.WriteOutcome, error) {
		return in, model.OutcomeCreated, nil
	})
	if err != nil || res[0].Err != nil {
		t.Fatalf("order: %v %v", err, res)
	}
	return res[0].Order
}

// A delivered parcel is told to the buyer once by e-mail, in the market's language, even when
// the event comes again and across a restart of the job engine.
func TestBuyerMessageSentOnceAcrossRestart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st store.Store) {
		srv := newSMTPServer(t)
		e := newEnvWith(t, st, notify.Deps{Config: notify.Config{QuietHours: notify.QuietHours{Start: time.Hour, End: time.Hour}},
			Channels: []notify.Channel{notify.SMTPChannel{Addr: srv.ln.Addr().String(), From: "shop@example.com"}}})
		o := putOrder(t, st, "ID-1", "ID", "siti@example.id")
		stop := e.start()
		data := map[string]string{"status": "delivered", "carrier": "jnt", "tracking_number": "JX123456789"}
		e.emit(model.EventTrackingUpdated, "shop_a", o.ID, "trk_1", data)
		waitFor(t, "the message", func() bool { return len(srv.received()) == 1 })
		e.emit(model.EventTrackingUpdated, "shop_a", o.ID, "trk_2", data) // the same news again
		stop()
		e.start()
		e.emit(model.EventTrackingUpdated, "shop_a", o.ID, "trk_3", data)
		waitFor(t, "the events to be handled", func() bool { return notifyJobsDone(t, st) })
		got := srv.received()
		if len(got) != 1 {
			t.Fatalf("%d e-mails, want 1: %+v", len(got), got)
		}
		m := got[0]
		if m.to != "siti@example.id" || !strings.Contains(m.subject, "ID-1") || !strings.Contains(m.subject, "telah diterima") ||
			!strings.Contains(m.body, "JX123456789") || !strings.Contains(m.body, "Siti") {
			t.Fatalf("e-mail %+v: want the Indonesian delivered message with the tracking number", m)
		}
		msgs, err := e.svc.ListMessages(context.Background(), e.a, o.ID)
		if err != nil || len(msgs) != 1 || msgs[0].Status != model.BuyerMessageSent || msgs[0].SentAt == nil || msgs[0].Language != "id" {
			t.Fatalf("message log %+v %v: want one sent message in id", msgs, err)
		}
	})
}

// notifyJobsDone reports whether every notify job has finished.
func notifyJobsDone(t *testing.T, st store.Store) bool {
	for _, j := range storetest.ListJobs(t, st) {
		if strings.HasPrefix(j.Kind, "notify.") && j.FinalizedAt == nil {
			return false
		}
	}
	return true
}

// A message due in the buyer's quiet hours is scheduled for their end, in the buyer's market's
// zone; one outside them is due at once.
func TestBuyerMessageQuietHours(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 12, 3, 15, 30, 0, 0, time.UTC) // 22:30 in Bangkok (UTC+7)
		e := newEnvWith(t, st, notify.Deps{Markets: config.DefaultMarkets(),
			Channels: []notify.Channel{notify.SMTPChannel{Addr: "127.0.0.1:1", From: "shop@example.com"}}})
		e.now = func() time.Time { return now }
		th := putOrder(t, st, "TH-1", "TH", "somchai@example.th")
		delay := json.RawMessage(`{"reason":"a flood at the hub","remedy":"it is rerouted"}`)
		if _, err := e.svc.Messages(ctx, "evt_q1", model.NotifyEvent{Type: model.EventDeadlineAtRisk, ShopID: "shop_a", OrderID: th.ID, Data: delay}); err != nil {
			t.Fatal(err)
		}
		msgs, _ := e.svc.ListMessages(ctx, e.a, th.ID)
		if len(msgs) != 1 {
			t.Fatalf("%d messages", len(msgs))
		}
		want := time.Date(2026, 12, 4, 1, 0, 0, 0, time.UTC) // 08:00 in Bangkok
		if m := msgs[0]; !m.ScheduledAt.Equal(want) || m.Kind != model.MessageDelayed || !strings.Contains(m.Body, "a flood at the hub") ||
			!strings.Contains(m.Body, "it is rerouted") || m.Language != "th" {
			t.Fatalf("message %+v: want the Thai delay message with reason and remedy, due %v", m, want)
		}
		// 15:30 UTC is 16:30 in Berlin: not quiet.
		de := putOrder(t, st, "DE-1", "DE", "")
		if _, err := e.svc.Messages(ctx, "evt_q2", model.NotifyEvent{Type: model.EventExceptionOpened, ShopID: "shop_a", OrderID: de.ID, Data: delay}); err != nil {
			t.Fatal(err)
		}
		msgs, _ = e.svc.ListMessages(ctx, e.a, de.ID)
		if len(msgs) != 1 || !msgs[0].ScheduledAt.Equal(now) || msgs[0].Status != model.BuyerMessageSkipped {
			t.Fatalf("German message %+v: want due now and skipped (no e-mail address)", msgs)
		}
		for _, c := range []struct {
			at   string
			want string
		}{{"2026-12-03T20:59:00Z", "2026-12-03T20:59:00Z"}, {"2026-12-03T21:00:00Z", "2026-12-04T08:00:00Z"},
			{"2026-12-04T03:00:00Z", "2026-12-04T08:00:00Z"}, {"2026-12-04T08:00:00Z", "2026-12-04T08:00:00Z"}} {
			at, _ := time.Parse(time.RFC3339, c.at)
			if got := notify.DefaultQuietHours.Until(at, time.UTC).Format(time.RFC3339); got != c.want {
				t.Errorf("Until(%s) = %s, want %s", c.at, got, c.want)
			}
		}
	})
}

// Every kind of message has lastmile's wording in every language, and renders.
func TestDefaultTemplates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		e := newEnv(t, st, notify.Config{})
		ts, err := e.svc.Templates(ctx, e.a, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(ts) != len(model.MessageKinds)*len(model.MessageLanguages) {
			t.Fatalf("%d templates, want every kind in every language", len(ts))
		}
		for _, tm := range ts {
			if !tm.Default || tm.Subject == "" || !strings.Contains(tm.Subject+tm.Body, "{{.") {
				t.Errorf("%s/%s: %+v", tm.Kind, tm.Language, tm)
			}
		}
		// A shop's own wording replaces lastmile's; a bad one is refused by field.
		if _, err := e.svc.PutTemplate(ctx, e.a, notify.TemplateRequest{Kind: model.MessageShipped, Language: "en",
			Subject: "Shipped: {{.OrderNumber}}", Body: "Dear {{.BuyerName}}, {{.Carrier}} has it: {{.TrackingNumber}}"}); err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.PutTemplate(ctx, e.a, notify.TemplateRequest{Kind: "lost", Language: "xx", Subject: "{{.Nope}}", Body: "{{"})
		var ve *model.ValidationError
		if !errors.As(err, &ve) || len(ve.Problems) != 4 {
			t.Fatalf("a bad template: %v, want 4 problems (kind, language, subject, body)", err)
		}
		ts, _ = e.svc.Templates(ctx, e.a, "")
		i := slices.IndexFunc(ts, func(tm model.MessageTemplate) bool { return tm.Kind == model.MessageShipped && tm.Language == "en" })
		if ts[i].Default || ts[i].Subject != "Shipped: {{.OrderNumber}}" {
			t.Fatalf("shop's template %+v", ts[i])
		}
		if _, err := e.svc.Templates(ctx, e.b, "shop_a"); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("shop B reads shop A's templates: %v", err)
		}
	})
}
