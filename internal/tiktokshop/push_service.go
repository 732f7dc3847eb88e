package tiktokshop

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"lastmile/internal/marketplace/tiktok"
	"lastmile/internal/model"
	"lastmile/internal/store"
	"lastmile/internal/trackno"
)

// ProblemPush is the code of the order problem that says a shipment could not be pushed to
// TikTok (R-API-3): the order stays Pending Shipment on the platform until it is fixed.
const ProblemPush = "tiktok_push_failed"

// PushArgs are the arguments of a tiktok.push_shipment job: tell the platform that a
// seller-shipped package left, with its carrier and tracking number.
type PushArgs struct {
	ShopID     string `json:"shop_id"`
	OrderID    string `json:"order_id"`
	ShipmentID string `json:"shipment_id"`
}

// Kind implements store.JobArgs.
func (PushArgs) Kind() string { return KindPush }

// pushAttempts bounds a push's retries: with the worker's backoff about 2 hours, inside the
// platform's 72 h window for the tracking number.
const pushAttempts = 15

// FollowUp is shipping's hook: a newly labelled seller-shipped shipment gets a push job, in
// the label's transaction (R-API-3). Platform-logistics shipments need none: the platform
// issued their label and number. A shop with no TikTok connection makes the job a no-op.
func (s *Service) FollowUp(o model.Order, sh model.Shipment) ([]store.Job, error) {
	if sh.Mode == model.ModePlatform || sh.TrackingNumber == "" {
		return nil, nil
	}
	j, err := store.NewJob(PushArgs{ShopID: o.ShopID, OrderID: o.ID, ShipmentID: sh.ID}, store.UniqueBy(sh.ID), store.MaxAttempts(pushAttempts))
	if err != nil {
		return nil, err
	}
	return []store.Job{j}, nil
}

func (s *Service) runPush(ctx context.Context, raw json.RawMessage) error {
	var a PushArgs
	if err := json.Unmarshal(raw, &a); err != nil {
		return fmt.Errorf("tiktok.push_shipment args: %w", err)
	}
	return s.Push(ctx, a)
}

// errRefused is a push the platform (or lastmile before it) refused: retrying cannot help.
type errRefused struct{ msg string }

func (e errRefused) Error() string { return e.msg }

// Push sends a shipment's carrier and tracking number to the platform: ship the package with
// self_shipment, or, when it shipped already with another number, update its shipping info. It
// is idempotent: a package that carries the number already is done. The number is checked
// before it is sent (R-SHIP-4: one the platform would drop silently is refused here, never
// sent). A refusal is recorded on the order as a problem and counted; a transient failure is
// returned, for the job to retry with backoff.
func (s *Service) Push(ctx context.Context, a PushArgs) error {
	conns, err := s.d.Store.ListConnections(ctx, []string{a.ShopID})
	if err != nil {
		return err
	}
	i := slices.IndexFunc(conns, func(c model.Connection) bool {
		return c.Platform == model.PlatformTikTok && c.Status == model.ConnectionConnected
	})
	if i < 0 {
		return nil // not a TikTok shop, or disconnected: nothing to tell
	}
	c := conns[i]
	o, err := s.d.Store.GetOrder(ctx, []string{a.ShopID}, a.OrderID)
	if err != nil {
		return err
	}
	sh, err := s.d.Store.GetShipment(ctx, []string{a.ShopID}, a.ShipmentID)
	if err != nil {
		return err
	}
	if !sh.Status.Labelled() {
		return nil // voided since: its replacement has a job of its own
	}
	err = s.push(ctx, c, o, sh)
	var ref errRefused
	switch {
	case err == nil:
		s.m.pushes.WithLabelValues("pushed").Inc()
		s.d.Log.Info("tiktok shipment pushed", "order", o.ID, "tiktok_order", o.ExternalID, "tracking_number", sh.TrackingNumber)
		return s.setPushProblem(ctx, o, "")
	case errors.As(err, &ref):
		s.m.pushes.WithLabelValues("refused").Inc()
		s.d.Log.Warn("tiktok shipment push refused", "order", o.ID, "tiktok_order", o.ExternalID, "err", err)
		return s.setPushProblem(ctx, o, ref.msg)
	default:
		s.m.pushes.WithLabelValues("failed").Inc()
		s.markReauth(ctx, c.ID, err)
		return fmt.Errorf("push shipment %s of order %s to tiktok: %w", sh.ID, o.ID, err)
	}
}

func (s *Service) push(ctx context.Context, c model.Connection, o model.Order, sh model.Shipment) error {
	number, err := trackno.Normalize(sh.TrackingNumber)
	if err != nil || !tiktok.ValidTrackingNumber(number) {
		msg := fmt.Sprintf("tracking number %q cannot go to TikTok: the platform keeps only 1 to 64 letters, digits and hyphens and would drop it silently, leaving the order Pending Shipment (R-SHIP-4)", sh.TrackingNumber)
		if err != nil {
			msg += ": " + err.Error()
		}
		return errRefused{msg + "; void the label and ship again"}
	}
	sc, err := s.shopClient(c)
	if err != nil {
		return err
	}
	orders, err := sc.GetOrders(ctx, []string{o.ExternalID})
	if err != nil {
		return refusedOr(err)
	}
	if len(orders) == 0 {
		return errRefused{fmt.Sprintf("TikTok does not know order %s in shop %s", o.ExternalID, c.ExternalShopID)}
	}
	p := orders[0]
	if p.ShippingType == tiktok.ShippingTypeTikTok {
		return nil // platform logistics: the platform has the label and number
	}
	if p.TrackingNumber == number {
		return nil // pushed already
	}
	if len(p.Packages) == 0 {
		return errRefused{fmt.Sprintf("TikTok order %s has no package to ship", o.ExternalID)}
	}
	provider, err := s.provider(ctx, sc, p.DeliveryOptionID, sh.Carrier)
	if err != nil {
		return err
	}
	self := tiktok.SelfShipment{ShippingProviderID: provider, TrackingNumber: number}
	pkgID := p.Packages[0].ID
	if p.TrackingNumber == "" {
		err = sc.ShipPackage(ctx, pkgID, tiktok.ShipRequest{SelfShipment: &self})
	} else {
		err = sc.UpdateShippingInfo(ctx, pkgID, self)
	}
	if err != nil {
		return refusedOr(err)
	}
	// The platform answers success even for a number it drops (R-SHIP-4): read it back.
	again, err := sc.GetOrders(ctx, []string{o.ExternalID})
	if err != nil {
		return refusedOr(err)
	}
	if len(again) == 1 && again[0].TrackingNumber == "" {
		return errRefused{fmt.Sprintf("TikTok accepted tracking number %s for order %s but did not keep it (R-SHIP-4)", number, o.ExternalID)}
	}
	return nil
}

// provider finds the platform's shipping provider for a carrier: the one whose name matches
// the carrier's code or name, else the delivery option's first (logged).
func (s *Service) provider(ctx context.Context, sc *tiktok.ShopClient, deliveryOption, carrier string) (string, error) {
	list, err := sc.ShippingProviders(ctx, deliveryOption)
	if err != nil {
		return "", refusedOr(err)
	}
	if len(list) == 0 {
		return "", errRefused{fmt.Sprintf("TikTok lists no shipping provider for delivery option %s", deliveryOption)}
	}
	norm := func(v string) string {
		return strings.ToLower(strings.NewReplacer(" ", "", "-", "", "_", "").Replace(v))
	}
	for _, p := range list {
		if n := norm(p.Name); n != "" && (n == norm(carrier) || strings.Contains(norm(carrier), n) || strings.Contains(n, norm(carrier))) {
			return p.ID, nil
		}
	}
	s.d.Log.Warn("no TikTok shipping provider matches the carrier; using the delivery option's first", "carrier", carrier,
		"provider", list[0].Name, "delivery_option", deliveryOption)
	return list[0].ID, nil
}

// refusedOr makes a platform refusal an errRefused; other errors stay, to be retried.
func refusedOr(err error) error {
	if tiktok.KindOf(err) == tiktok.Refuse {
		return errRefused{"TikTok refused the push: " + err.Error()}
	}
	return err
}

// setPushProblem records msg as the order's push problem, or clears it when msg is "".
func (s *Service) setPushProblem(ctx context.Context, o model.Order, msg string) error {
	_, err := s.d.Store.UpdateOrder(ctx, []string{o.ShopID}, o.ID, func(o *model.Order) (bool, error) {
		i := slices.IndexFunc(o.Problems, func(p model.Problem) bool { return p.Code == ProblemPush })
		switch {
		case msg == "" && i < 0:
			return false, nil
		case msg == "":
			o.Problems = slices.Delete(o.Problems, i, i+1)
		case i >= 0 && o.Problems[i].Message == msg:
			return false, nil
		case i >= 0:
			o.Problems[i].Message = msg
		default:
			o.Problems = append(o.Problems, model.Problem{Code: ProblemPush, Field: "tracking_number", Message: msg,
				Severity: model.SeverityWarning, Suggestion: "fix the shipment (void and ship again), then the push runs again"})
		}
		o.ModifiedAt = s.now()
		return true, nil
	})
	return err
}
