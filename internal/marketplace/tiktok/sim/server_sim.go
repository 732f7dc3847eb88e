package sim

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"lastmile/internal/marketplace/tiktok"
)

// The sim-only endpoints under /sim/ answer plain JSON (not the platform's envelope), and
// {"error": "…"} with a 4xx status when refused.

func writeSimJSON(w http.ResponseWriter, status int, v any) {
	b, err := marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

func simError(w http.ResponseWriter, status int, err error) {
	writeSimJSON(w, status, map[string]string{"error": err.Error()})
}

func readSimJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		simError(w, http.StatusBadRequest, fmt.Errorf("the body: %w", err))
		return false
	}
	return true
}

// handleSimAuthorize is POST /sim/authorize {"shop_id"} → {"auth_code"}: the seller's consent.
func (s *Sim) handleSimAuthorize(w http.ResponseWriter, r *http.Request) {
	var b struct {
		ShopID string `json:"shop_id"`
	}
	if !readSimJSON(w, r, &b) {
		return
	}
	code, err := s.Authorize(b.ShopID)
	if err != nil {
		simError(w, http.StatusNotFound, err)
		return
	}
	writeSimJSON(w, http.StatusOK, map[string]string{"auth_code": code})
}

// handleSimStats is GET /sim/stats.
func (s *Sim) handleSimStats(w http.ResponseWriter, r *http.Request) {
	writeSimJSON(w, http.StatusOK, s.Stats())
}

// handleSimShops is GET /sim/shops: the shops with their ids, markets and ciphers.
func (s *Sim) handleSimShops(w http.ResponseWriter, r *http.Request) {
	writeSimJSON(w, http.StatusOK, map[string]any{"shops": s.Shops()})
}

// handleSimOrders is POST /sim/orders {"shop_id", "count"} → {"order_ids"} (the ids when
// count is at most 1,000).
func (s *Sim) handleSimOrders(w http.ResponseWriter, r *http.Request) {
	var b struct {
		ShopID string `json:"shop_id"`
		Count  int    `json:"count"`
	}
	if !readSimJSON(w, r, &b) {
		return
	}
	if b.Count == 0 {
		b.Count = 1
	}
	ids, err := s.CreateOrders(b.ShopID, b.Count)
	if err != nil {
		simError(w, http.StatusBadRequest, err)
		return
	}
	out := map[string]any{"created": len(ids)}
	if len(ids) <= 1000 {
		out["order_ids"] = ids
	}
	writeSimJSON(w, http.StatusOK, out)
}

// handleSimPeak is POST /sim/peak {"on": true}.
func (s *Sim) handleSimPeak(w http.ResponseWriter, r *http.Request) {
	var b struct {
		On bool `json:"on"`
	}
	if !readSimJSON(w, r, &b) {
		return
	}
	s.SetPeak(b.On)
	writeSimJSON(w, http.StatusOK, map[string]bool{"peak": b.On})
}

// handleSimRate is POST /sim/rate {"orders_per_second": 2.5}.
func (s *Sim) handleSimRate(w http.ResponseWriter, r *http.Request) {
	var b struct {
		OrdersPerSecond float64 `json:"orders_per_second"`
	}
	if !readSimJSON(w, r, &b) {
		return
	}
	if !(b.OrdersPerSecond >= 0) || b.OrdersPerSecond > 1e6 {
		simError(w, http.StatusBadRequest, fmt.Errorf("orders_per_second %v: want 0 to 1,000,000", b.OrdersPerSecond))
		return
	}
	s.SetOrderRate(b.OrdersPerSecond)
	writeSimJSON(w, http.StatusOK, map[string]float64{"orders_per_second": b.OrdersPerSecond})
}

// handleSimFaults is POST /sim/faults, a Fault.
func (s *Sim) handleSimFaults(w http.ResponseWriter, r *http.Request) {
	var f Fault
	if !readSimJSON(w, r, &f) {
		return
	}
	if err := s.InjectFault(f); err != nil {
		simError(w, http.StatusBadRequest, err)
		return
	}
	writeSimJSON(w, http.StatusOK, map[string]string{"status": "armed"})
}

// handleSimExpireTokens is POST /sim/tokens/expire {"shop_id"}.
func (s *Sim) handleSimExpireTokens(w http.ResponseWriter, r *http.Request) {
	var b struct {
		ShopID string `json:"shop_id"`
	}
	if !readSimJSON(w, r, &b) {
		return
	}
	if err := s.ExpireTokens(b.ShopID); err != nil {
		simError(w, http.StatusNotFound, err)
		return
	}
	writeSimJSON(w, http.StatusOK, map[string]string{"status": "expired"})
}

// WebhookRequest asks the sim for a webhook of Type about ShopID (POST /sim/webhooks). The
// sim makes the change the webhook reports, then sends it once and on time:
//
//   - 1 ORDER_STATUS_CHANGE: the order's current status again (OrderID).
//   - 3 RECIPIENT_ADDRESS_UPDATE: the buyer moved; the order (not yet shipped) gets a new address.
//   - 4 PACKAGE_UPDATE: the order's package is split in two (SCType SPLIT; the order needs two
//     line items or more, and must not have shipped).
//   - 6 SELLER_DEAUTHORIZATION: the shop's seller revokes the app; its tokens stop working
//     until it authorises again.
//   - 7 UPCOMING_AUTHORIZATION_EXPIRATION: a warning with the authorisation's end.
//   - 11 CANCELLATION_STATUS_CHANGE: the buyer asks to cancel the order (not yet shipped);
//     the order's cancel_order_sla_time is set 48 h ahead (R-ORD-4).
//   - 12 RETURN_STATUS_CHANGE: the buyer asks for a return (ReturnType REFUND,
//     RETURN_AND_REFUND or REPLACEMENT; the order must have shipped).
//   - any other type: Data is sent as the webhook's data, as it is.
type WebhookRequest struct {
	Type       int             `json:"type"`
	ShopID     string          `json:"shop_id"`
	OrderID    string          `json:"order_id,omitempty"`
	ReturnType string          `json:"return_type,omitempty"`
	SCType     string          `json:"sc_type,omitempty"`
	Data       json.RawMessage `json:"data,omitempty"`
}

// WebhookResult says what a WebhookRequest made.
type WebhookResult struct {
	NotificationID string   `json:"notification_id"`
	CancelID       string   `json:"cancel_id,omitempty"`
	ReturnID       string   `json:"return_id,omitempty"`
	PackageIDs     []string `json:"package_ids,omitempty"`
}

// handleSimWebhook is POST /sim/webhooks, a WebhookRequest → a WebhookResult.
func (s *Sim) handleSimWebhook(w http.ResponseWriter, r *http.Request) {
	var b WebhookRequest
	if !readSimJSON(w, r, &b) {
		return
	}
	res, err := s.TriggerWebhook(b)
	if err != nil {
		simError(w, http.StatusBadRequest, err)
		return
	}
	writeSimJSON(w, http.StatusOK, res)
}

// TriggerWebhook makes the change of req and sends its webhook (see WebhookRequest).
func (s *Sim) TriggerWebhook(req WebhookRequest) (WebhookResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.Now()
	sh := s.shopByID[req.ShopID]
	if sh == nil {
		return WebhookResult{}, fmt.Errorf("no shop %q in the sim", req.ShopID)
	}
	var o *order
	needOrder := func() error {
		o = s.orders[req.OrderID]
		if o == nil || o.shop != sh {
			return fmt.Errorf("no order %q in shop %s", req.OrderID, sh.ID)
		}
		return nil
	}
	unshipped := func() error {
		switch o.w.Status {
		case tiktok.OrderUnpaid, tiktok.OrderOnHold, tiktok.OrderAwaitingShipment:
			return nil
		}
		return fmt.Errorf("order %s is %s: only an order not yet shipped can change that way", o.w.ID, o.w.Status)
	}
	var res WebhookResult
	switch req.Type {
	case tiktok.WebhookOrderStatusChange:
		if err := needOrder(); err != nil {
			return res, err
		}
		st := o.w.Status
		if st == tiktok.OrderCancelled {
			st = tiktok.OrderCancelWebhook
		}
		res.NotificationID = s.emitWith(sh, req.Type, wireStatusChange{IsOnHoldOrder: o.w.IsOnHoldOrder, OrderID: o.w.ID, OrderStatus: st, UpdateTime: o.w.UpdateTime}, now, true)
	case tiktok.WebhookRecipientAddressUpdate:
		if err := needOrder(); err != nil {
			return res, err
		}
		if err := unshipped(); err != nil {
			return res, err
		}
		a := s.gen.Order(sh.Market, now).ShippingAddress
		a.Name = o.to.name
		o.w.RecipientAddress = recipientOf(a, sh.Market)
		o.to = labelAddress{name: a.Name, line1: a.Line1, line2: a.Line2, city: a.City, region: a.Region, postal: a.PostalCode, country: string(sh.Market), phone: a.Phone}
		s.touch(o, now)
		res.NotificationID = s.emitWith(sh, req.Type, map[string]any{"order_id": o.w.ID, "update_time": now.Unix()}, now, true)
	case tiktok.WebhookPackageUpdate:
		if err := needOrder(); err != nil {
			return res, err
		}
		if req.SCType != "" && req.SCType != "SPLIT" {
			return res, fmt.Errorf("sc_type %q: the sim splits packages only (SPLIT)", req.SCType)
		}
		if o.w.Status != tiktok.OrderAwaitingShipment || len(o.pkgs) != 1 || len(o.pkgs[0].items) < 2 {
			return res, fmt.Errorf("order %s cannot be split: it needs one unshipped package with two line items or more", o.w.ID)
		}
		old := o.pkgs[0]
		half := len(old.items) / 2
		np := &pkg{id: s.nextID("11"), order: o, shippingType: old.shippingType, createTime: now.Unix(), updateTime: now.Unix(),
			items: append([]int(nil), old.items[half:]...)}
		old.items = old.items[:half]
		old.updateTime = now.Unix()
		for _, i := range np.items {
			o.w.LineItems[i].PackageID = np.id
		}
		o.pkgs = append(o.pkgs, np)
		s.pkgs[np.id] = np
		o.w.Packages = append(o.w.Packages, wirePackageRef{ID: np.id})
		s.touch(o, now)
		res.PackageIDs = []string{old.id, np.id}
		list := []map[string]any{{"package_id": old.id, "order_id_list": []string{o.w.ID}}, {"package_id": np.id, "order_id_list": []string{o.w.ID}}}
		res.NotificationID = s.emitWith(sh, req.Type, map[string]any{"sc_type": "SPLIT", "package_list": list, "update_time": now.Unix()}, now, true)
	case tiktok.WebhookSellerDeauthorization:
		sh.seller.deauthorized = true
		res.NotificationID = s.emitWith(sh, req.Type, map[string]any{"message": "The seller has deauthorized the app"}, now, true)
	case tiktok.WebhookUpcomingAuthorizationEnd:
		end := sh.seller.authEnd
		if end.IsZero() {
			end = now.Add(30 * 24 * time.Hour)
		}
		res.NotificationID = s.emitWith(sh, req.Type, map[string]any{
			"message":         fmt.Sprintf("The authorization of shop %s will expire on %s", sh.Name, end.UTC().Format(time.DateOnly)),
			"expiration_time": end.Unix(),
		}, now, true)
	case tiktok.WebhookCancellationStatusChange:
		if err := needOrder(); err != nil {
			return res, err
		}
		if err := unshipped(); err != nil {
			return res, err
		}
		for _, id := range sh.cancels {
			if cn := s.cancels[id]; cn.orderID == o.w.ID && cn.status == tiktok.CancellationPending {
				return res, fmt.Errorf("order %s already has a pending cancellation request %s", o.w.ID, id)
			}
		}
		cn := &cancellation{id: s.nextID("58"), orderID: o.w.ID, status: tiktok.CancellationPending, reason: "Buyer changed their mind",
			role: "BUYER", shop: sh, create: now.Unix(), update: now.Unix()}
		s.cancels[cn.id] = cn
		sh.cancels = append(sh.cancels, cn.id)
		o.w.CancelOrderSLATime = now.Add(cancelAnswerWithin).Unix() // R-ORD-4
		s.touch(o, now)
		res.CancelID = cn.id
		res.NotificationID = s.emitCancellation(cn, now, true)
	case tiktok.WebhookReturnStatusChange:
		if err := needOrder(); err != nil {
			return res, err
		}
		switch o.w.Status {
		case tiktok.OrderInTransit, tiktok.OrderDelivered, tiktok.OrderCompleted:
		default:
			return res, fmt.Errorf("order %s is %s: a return needs a shipped order", o.w.ID, o.w.Status)
		}
		rt := req.ReturnType
		switch rt {
		case "":
			rt = "RETURN_AND_REFUND"
		case "REFUND", "RETURN_AND_REFUND", "REPLACEMENT":
		default:
			return res, fmt.Errorf("return_type %q: want REFUND, RETURN_AND_REFUND or REPLACEMENT", rt)
		}
		rr := &returnReq{id: s.nextID("40"), orderID: o.w.ID, status: tiktok.ReturnPending, returnType: rt, reason: "Item not as described",
			role: "BUYER", shop: sh, create: now.Unix(), update: now.Unix()}
		s.returns[rr.id] = rr
		sh.returns = append(sh.returns, rr.id)
		res.ReturnID = rr.id
		res.NotificationID = s.emitReturn(rr, now, true)
	default:
		if req.Type <= 0 {
			return res, errors.New("type: want the webhook's type number (1, 3, 4, 6, 7, 11, 12 or any other)")
		}
		data := req.Data
		if len(strings.TrimSpace(string(data))) == 0 {
			data = json.RawMessage(`{}`)
		}
		if !json.Valid(data) {
			return res, errors.New("data is not valid JSON")
		}
		res.NotificationID = s.emitWith(sh, req.Type, data, now, true)
	}
	return res, nil
}
