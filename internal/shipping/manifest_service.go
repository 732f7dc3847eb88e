package shipping

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"lastmile/internal/carrier"
	"lastmile/internal/model"
	"lastmile/internal/store"
)

// ManifestRequest closes the day for one carrier at one warehouse (R-SHIP-5).
type ManifestRequest struct {
	Carrier     string `json:"carrier"`
	WarehouseID string `json:"warehouse_id"`
	// Pickup asks the carrier to collect the parcels in this window, when it offers pickups.
	Pickup *PickupWindow `json:"pickup,omitempty"`
}

// PickupWindow is when the parcels are ready for collection.
type PickupWindow struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// maxManifestShipments bounds one manifest: a carrier's scan form takes thousands, not more.
const maxManifestShipments = 20_000

// CreateManifest puts every labelled shipment of the carrier at the warehouse that is on no
// manifest yet on a new end-of-day manifest (R-SHIP-5): the carrier's scan form when it makes
// one, lastmile's own (ManifestSheet) always; with a pickup request when asked. Calling it again
// after a failure is safe: the carrier's manifest and pickup are idempotent by a key made from
// the shipments they cover.
func (s *Service) CreateManifest(ctx context.Context, scope model.Scope, req ManifestRequest) (model.Manifest, error) {
	var problems []model.FieldError
	if req.Carrier == "" {
		problems = append(problems, model.FieldError{Code: "missing_field", Field: "carrier", Message: "name the carrier whose parcels are handed over, e.g. usps"})
	}
	if req.WarehouseID == "" {
		problems = append(problems, model.FieldError{Code: "missing_field", Field: "warehouse_id", Message: "name the warehouse the parcels leave from (wh_…)"})
	}
	if p := req.Pickup; p != nil && !p.End.After(p.Start) {
		problems = append(problems, model.FieldError{Code: "invalid_window", Field: "pickup.end", Message: "the pickup window must end after it starts"})
	}
	if len(problems) > 0 {
		return model.Manifest{}, &model.ValidationError{Problems: problems}
	}
	wh, err := s.d.Store.GetWarehouse(ctx, scope.ShopIDs, req.WarehouseID)
	if err != nil {
		return model.Manifest{}, fmt.Errorf("warehouse %s: %w", req.WarehouseID, err)
	}
	c, hasCarrier := s.d.Carriers.Get(req.Carrier)
	shs, err := s.manifestable(ctx, wh, req.Carrier)
	if err != nil {
		return model.Manifest{}, err
	}
	if len(shs) == 0 {
		return model.Manifest{}, &RefusalError{Code: "nothing_to_manifest", Field: "carrier", State: true,
			Message: fmt.Sprintf("no labelled %s shipment from warehouse %s is waiting for a manifest", req.Carrier, warehouseName(&wh))}
	}
	now := s.clock()
	loc, err := time.LoadLocation(wh.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	day := now.In(loc)
	m := model.Manifest{ID: s.ids.New("man", now), ShopID: wh.ShopID, Carrier: req.Carrier, WarehouseID: wh.ID,
		ShipDate: day.Format(time.DateOnly), CreatedAt: now}
	numbers := make([]string, len(shs))
	for i, sh := range shs {
		m.ShipmentIDs = append(m.ShipmentIDs, sh.ID)
		numbers[i] = sh.TrackingNumber
	}
	key := manifestKey(req.Carrier, wh.ID, m.ShipDate, numbers)
	if hasCarrier && c.Capabilities().Has(carrier.CanManifest) {
		cm, err := c.Manifest(ctx, carrier.ManifestRequest{IdempotencyKey: key, ShipDate: day, From: senderOf(&wh),
			WarehouseRef: wh.ID, TrackingNumbers: numbers})
		if err != nil {
			return model.Manifest{}, fmt.Errorf("carrier manifest: %w", err)
		}
		m.CarrierRef = cm.ID
	}
	if p := req.Pickup; p != nil && hasCarrier && c.Capabilities().Has(carrier.CanPickup) {
		var weight int64
		for _, sh := range shs {
			if pkg, err := s.d.Shipping.GetPackage(ctx, scope.ShopIDs, sh.PackageID); err == nil {
				weight += pkg.WeightG
			}
		}
		pu, err := c.SchedulePickup(ctx, carrier.PickupRequest{IdempotencyKey: "pickup-" + key, Address: senderOf(&wh),
			Window: carrier.Window{Start: p.Start, End: p.End}, ParcelCount: len(shs), TotalWeightG: weight})
		if err != nil {
			return model.Manifest{}, fmt.Errorf("carrier pickup: %w", err)
		}
		m.Pickup = pu.ConfirmationID
	}
	return s.d.Shipping.CreateManifest(ctx, m)
}

// manifestable lists the labelled shipments of carrier from warehouse wh on no manifest yet.
func (s *Service) manifestable(ctx context.Context, wh model.Warehouse, code string) ([]model.Shipment, error) {
	q := store.ShipmentQuery{ShopIDs: []string{wh.ShopID}, Statuses: []model.ShipmentStatus{model.ShipmentLabelPurchased},
		Carrier: code, WarehouseID: wh.ID, Limit: store.MaxQueryRows}
	var out []model.Shipment
	for {
		page, err := s.d.Shipping.ListShipments(ctx, q)
		if err != nil {
			return nil, err
		}
		for _, sh := range page {
			if sh.ManifestID == "" {
				out = append(out, sh)
			}
		}
		if len(page) < q.Limit || len(out) >= maxManifestShipments {
			break
		}
		last := page[len(page)-1]
		q.After = &store.Cursor{ModifiedAt: last.CreatedAt, ID: last.ID}
	}
	if len(out) > maxManifestShipments {
		out = out[:maxManifestShipments]
	}
	return out, nil
}

// manifestKey is the idempotency key of a carrier manifest: the same shipments on the same day
// make the same key.
func manifestKey(code, warehouseID, day string, numbers []string) string {
	sorted := slices.Clone(numbers)
	slices.Sort(sorted)
	sum := sha256.Sum256([]byte(code + "|" + warehouseID + "|" + day + "|" + strings.Join(sorted, ",")))
	return "man-" + hex.EncodeToString(sum[:12])
}

// Manifest returns a manifest.
func (s *Service) Manifest(ctx context.Context, scope model.Scope, id string) (model.Manifest, error) {
	return s.d.Shipping.GetManifest(ctx, scope.ShopIDs, id)
}

// HandOver records that the carrier collected the manifest's parcels: its shipments become
// handed_over.
func (s *Service) HandOver(ctx context.Context, scope model.Scope, id string) (model.Manifest, error) {
	return s.d.Shipping.HandOverManifest(ctx, scope.ShopIDs, id, s.clock())
}
