package sim

import (
	"time"

	"lastmile/internal/carrier"
	"lastmile/internal/model"
)

// The JSON protocol of the simulated network (docs/carriers.md). Requests and answers are
// these types; amounts are model.Money (ISO 4217 minor units), addresses model.Address (the
// order JSON contract's), dates "YYYY-MM-DD", times RFC 3339 in UTC, documents base64.

// dateLayout is the format of ship dates on the wire.
const dateLayout = "2006-01-02"

type wireParcel struct {
	WeightG  int64 `json:"weight_g"`
	LengthMM int64 `json:"length_mm,omitempty"`
	WidthMM  int64 `json:"width_mm,omitempty"`
	HeightMM int64 `json:"height_mm,omitempty"`
}

// wireRateRequest is the body of POST /v1/{carrier}/rates.
type wireRateRequest struct {
	From     model.Address `json:"from"`
	To       model.Address `json:"to"`
	Parcel   wireParcel    `json:"parcel"`
	ShipDate string        `json:"ship_date,omitempty"`
	Market   string        `json:"market,omitempty"`
	COD      *model.Money  `json:"cod,omitempty"`
	Declared *model.Money  `json:"declared,omitempty"`
	Options  []string      `json:"options,omitempty"`
	Services []string      `json:"services,omitempty"`
}

type wireLine struct {
	Kind   string `json:"kind"`
	Name   string `json:"name,omitempty"`
	Amount int64  `json:"amount"`
}

type wireTransit struct {
	Min          int  `json:"min"`
	Max          int  `json:"max"`
	BusinessDays bool `json:"business_days"`
}

type wireRate struct {
	Service           string      `json:"service"`
	ServiceName       string      `json:"service_name"`
	Total             model.Money `json:"total"`
	Lines             []wireLine  `json:"lines"`
	ChargeableWeightG int64       `json:"chargeable_weight_g"`
	TransitDays       wireTransit `json:"transit_days"`
}

// wireRates is the answer of POST /v1/{carrier}/rates.
type wireRates struct {
	Rates []wireRate `json:"rates"`
}

type wireCustomsItem struct {
	Description   string      `json:"description"`
	Quantity      int         `json:"quantity"`
	Value         model.Money `json:"value"`
	HSCode        string      `json:"hs_code,omitempty"`
	OriginCountry string      `json:"origin_country,omitempty"`
	WeightG       int64       `json:"weight_g,omitempty"`
	HasBattery    bool        `json:"has_battery"`
}

// wirePurchaseRequest is the body of POST /v1/{carrier}/labels (the key is the
// Idempotency-Key header).
type wirePurchaseRequest struct {
	Reference   string            `json:"reference"`
	OrderNumber string            `json:"order_number,omitempty"`
	Service     string            `json:"service"`
	From        model.Address     `json:"from"`
	To          model.Address     `json:"to"`
	Parcel      wireParcel        `json:"parcel"`
	ShipDate    string            `json:"ship_date,omitempty"`
	Customs     []wireCustomsItem `json:"customs,omitempty"`
	COD         *model.Money      `json:"cod,omitempty"`
	Declared    *model.Money      `json:"declared,omitempty"`
	Options     []string          `json:"options,omitempty"`
	LabelFormat string            `json:"label_format,omitempty"`
}

type wireDocument struct {
	Format  string `json:"format"`
	Content []byte `json:"content"`
}

type wireLabelData struct {
	CarrierName string `json:"carrier_name"`
	ServiceName string `json:"service_name"`
	SortCode    string `json:"sort_code"`
	Barcode     string `json:"barcode"`
}

// wireLabel is the answer of POST /v1/{carrier}/labels.
type wireLabel struct {
	Carrier        string         `json:"carrier"`
	Service        string         `json:"service"`
	TrackingNumber string         `json:"tracking_number"`
	ShipmentID     string         `json:"shipment_id"`
	Reference      string         `json:"reference"`
	Charge         model.Money    `json:"charge"`
	Lines          []wireLine     `json:"lines"`
	PurchasedAt    time.Time      `json:"purchased_at"`
	Document       *wireDocument  `json:"document,omitempty"`
	Data           *wireLabelData `json:"data,omitempty"`
}

// wireVoidRequest is the (optional) body of POST /v1/{carrier}/labels/{id}/void.
type wireVoidRequest struct {
	TrackingNumber string `json:"tracking_number,omitempty"`
}

// wireRefund is the answer of a void.
type wireRefund struct {
	ShipmentID     string      `json:"shipment_id"`
	TrackingNumber string      `json:"tracking_number"`
	Refund         model.Money `json:"refund"`
	VoidedAt       time.Time   `json:"voided_at"`
}

type wireLocation struct {
	City       string `json:"city,omitempty"`
	Region     string `json:"region,omitempty"`
	PostalCode string `json:"postal_code,omitempty"`
	Country    string `json:"country,omitempty"`
}

type wireEvent struct {
	Code        string       `json:"code"`
	Description string       `json:"description"`
	OccurredAt  time.Time    `json:"occurred_at"`
	Location    wireLocation `json:"location"`
}

type wireTracking struct {
	TrackingNumber string      `json:"tracking_number"`
	Found          bool        `json:"found"`
	Events         []wireEvent `json:"events"`
}

// wireTrackingAnswer is the answer of GET /v1/{carrier}/tracking.
type wireTrackingAnswer struct {
	Tracking []wireTracking `json:"tracking"`
}

// wireManifestRequest is the body of POST /v1/{carrier}/manifests.
type wireManifestRequest struct {
	ShipDate        string        `json:"ship_date"`
	From            model.Address `json:"from"`
	WarehouseRef    string        `json:"warehouse_ref,omitempty"`
	TrackingNumbers []string      `json:"tracking_numbers"`
}

// wireManifest is the answer of POST /v1/{carrier}/manifests.
type wireManifest struct {
	ID              string        `json:"id"`
	Carrier         string        `json:"carrier"`
	ShipDate        string        `json:"ship_date"`
	Count           int           `json:"count"`
	TrackingNumbers []string      `json:"tracking_numbers"`
	CreatedAt       time.Time     `json:"created_at"`
	Document        *wireDocument `json:"document,omitempty"`
}

type wireWindow struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// wirePickupRequest is the body of POST /v1/{carrier}/pickups.
type wirePickupRequest struct {
	Address      model.Address `json:"address"`
	Window       wireWindow    `json:"window"`
	ParcelCount  int           `json:"parcel_count"`
	TotalWeightG int64         `json:"total_weight_g"`
}

// wirePickup is the answer of POST /v1/{carrier}/pickups.
type wirePickup struct {
	ConfirmationID string     `json:"confirmation_id"`
	Window         wireWindow `json:"window"`
}

// wireService and wireCarrier are the answer of GET /v1/{carrier}.
type wireService struct {
	Code         string      `json:"code"`
	Name         string      `json:"name"`
	Markets      []string    `json:"markets"`
	TransitDays  wireTransit `json:"transit_days"`
	COD          bool        `json:"cod"`
	Options      []string    `json:"options"`
	LabelFormats []string    `json:"label_formats"`
	Numbers      string      `json:"tracking_numbers"`
}

type wireCarrier struct {
	Code         string        `json:"code"`
	Name         string        `json:"name"`
	Capabilities []string      `json:"capabilities"`
	Services     []wireService `json:"services"`
}

// wireError is the body of every error answer.
type wireError struct {
	Error wireErrorBody `json:"error"`
}

type wireErrorBody struct {
	Code         string `json:"code"`
	Message      string `json:"message"`
	Field        string `json:"field,omitempty"`
	RetryAfterMS int64  `json:"retry_after_ms,omitempty"`
}

// Conversions between the carrier package's types and the wire.

func toWireParcel(p carrier.Parcel) wireParcel {
	return wireParcel{WeightG: p.WeightG, LengthMM: p.LengthMM, WidthMM: p.WidthMM, HeightMM: p.HeightMM}
}

func (p wireParcel) parcel() carrier.Parcel {
	return carrier.Parcel{WeightG: p.WeightG, LengthMM: p.LengthMM, WidthMM: p.WidthMM, HeightMM: p.HeightMM}
}

// wireDate writes the calendar date of t in its own location, "" for zero.
func wireDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(dateLayout)
}

// moneyPtr is nil for a zero amount, so prepaid requests carry no cod.
func moneyPtr(m model.Money) *model.Money {
	if m.Amount == 0 {
		return nil
	}
	return &m
}

func moneyOf(m *model.Money) model.Money {
	if m == nil {
		return model.Money{}
	}
	return *m
}

func toWireLines(lines []carrier.ChargeLine) []wireLine {
	out := make([]wireLine, len(lines))
	for i, l := range lines {
		out[i] = wireLine{Kind: string(l.Kind), Name: l.Name, Amount: l.Amount}
	}
	return out
}

func fromWireLines(lines []wireLine) []carrier.ChargeLine {
	out := make([]carrier.ChargeLine, len(lines))
	for i, l := range lines {
		out[i] = carrier.ChargeLine{Kind: carrier.ChargeKind(l.Kind), Name: l.Name, Amount: l.Amount}
	}
	return out
}

func toWireRate(r carrier.Rate) wireRate {
	return wireRate{
		Service: r.Service, ServiceName: r.ServiceName, Total: r.Total, Lines: toWireLines(r.Lines),
		ChargeableWeightG: r.ChargeableWeightG,
		TransitDays:       wireTransit{Min: r.TransitDaysMin, Max: r.TransitDaysMax, BusinessDays: r.BusinessDays},
	}
}

func (w wireRate) rate() carrier.Rate {
	return carrier.Rate{
		Service: w.Service, ServiceName: w.ServiceName, Total: w.Total, Lines: fromWireLines(w.Lines),
		ChargeableWeightG: w.ChargeableWeightG, TransitDaysMin: w.TransitDays.Min, TransitDaysMax: w.TransitDays.Max,
		BusinessDays: w.TransitDays.BusinessDays,
	}
}

func toWireRateRequest(r carrier.RateRequest) wireRateRequest {
	return wireRateRequest{
		From: r.From, To: r.To, Parcel: toWireParcel(r.Parcel), ShipDate: wireDate(r.ShipDate), Market: r.Market,
		COD: moneyPtr(r.COD), Declared: moneyPtr(r.Declared), Options: r.Options, Services: r.Services,
	}
}

func toWirePurchase(r carrier.PurchaseRequest) wirePurchaseRequest {
	w := wirePurchaseRequest{
		Reference: r.Reference, OrderNumber: r.OrderNumber, Service: r.Service, From: r.From, To: r.To,
		Parcel: toWireParcel(r.Parcel), ShipDate: wireDate(r.ShipDate), COD: moneyPtr(r.COD),
		Declared: moneyPtr(r.Declared), Options: r.Options, LabelFormat: string(r.LabelFormat),
	}
	for _, it := range r.Customs {
		w.Customs = append(w.Customs, wireCustomsItem{
			Description: it.Description, Quantity: it.Quantity, Value: it.Value, HSCode: it.HSCode,
			OriginCountry: it.OriginCountry, WeightG: it.WeightG, HasBattery: it.HasBattery,
		})
	}
	return w
}

func (w wireLabel) label() carrier.Label {
	l := carrier.Label{
		Carrier: w.Carrier, Service: w.Service, TrackingNumber: w.TrackingNumber, CarrierShipmentID: w.ShipmentID,
		Reference: w.Reference, Charge: w.Charge, Lines: fromWireLines(w.Lines), PurchasedAt: w.PurchasedAt,
	}
	if w.Document != nil {
		l.Document = &carrier.Document{Format: carrier.Format(w.Document.Format), Content: w.Document.Content}
	}
	if w.Data != nil {
		l.Data = &carrier.LabelData{CarrierName: w.Data.CarrierName, ServiceName: w.Data.ServiceName,
			SortCode: w.Data.SortCode, Barcode: w.Data.Barcode}
	}
	return l
}

func (w wireTracking) tracking() carrier.Tracking {
	t := carrier.Tracking{TrackingNumber: w.TrackingNumber, Found: w.Found, Events: make([]carrier.TrackingEvent, len(w.Events))}
	for i, e := range w.Events {
		t.Events[i] = carrier.TrackingEvent{Code: e.Code, Description: e.Description, OccurredAt: e.OccurredAt,
			Location: carrier.Location{City: e.Location.City, Region: e.Location.Region, PostalCode: e.Location.PostalCode, Country: e.Location.Country}}
	}
	return t
}

func (w wireManifest) manifest() carrier.Manifest {
	m := carrier.Manifest{ID: w.ID, Count: w.Count, TrackingNumbers: w.TrackingNumbers, CreatedAt: w.CreatedAt}
	if w.Document != nil {
		m.Document = &carrier.Document{Format: carrier.Format(w.Document.Format), Content: w.Document.Content}
	}
	return m
}
