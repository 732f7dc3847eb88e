package model

import "time"

// ShipmentStatus is where a shipment stands. A package has at most one live shipment: one that
// is neither voided nor failed.
type ShipmentStatus string

// Shipment statuses, in the order a shipment moves through them; voided and failed end one.
const (
	ShipmentCreated        ShipmentStatus = "created"         // planned; the label is being bought
	ShipmentLabelPurchased ShipmentStatus = "label_purchased" // the carrier (or platform) issued the label
	ShipmentManifested     ShipmentStatus = "manifested"      // on an end-of-day manifest (R-SHIP-5)
	ShipmentHandedOver     ShipmentStatus = "handed_over"     // the carrier took it
	ShipmentInTransit      ShipmentStatus = "in_transit"      // the carrier scanned it
	ShipmentDelivered      ShipmentStatus = "delivered"
	ShipmentVoided         ShipmentStatus = "voided" // the label was voided and refunded before hand-over
	ShipmentFailed         ShipmentStatus = "failed" // no label: the reason says why and what to fix
)

// ShipmentStatuses lists every status in lifecycle order.
var ShipmentStatuses = []ShipmentStatus{
	ShipmentCreated, ShipmentLabelPurchased, ShipmentManifested, ShipmentHandedOver,
	ShipmentInTransit, ShipmentDelivered, ShipmentVoided, ShipmentFailed,
}

// Live reports whether a shipment in status s holds its package: it is not voided or failed.
func (s ShipmentStatus) Live() bool { return s != ShipmentVoided && s != ShipmentFailed }

// Labelled reports whether a shipment in status s has a label.
func (s ShipmentStatus) Labelled() bool { return s.Live() && s != ShipmentCreated }

// Package is what leaves one warehouse for one order: its lines, the box chosen for them
// (R-RATE-8) and the parcel's weight and size (R-MODE-6: an order allocated to several
// warehouses becomes one package per warehouse).
type Package struct {
	ID          string        `json:"id"`
	ShopID      string        `json:"shop_id"`
	OrderID     string        `json:"order_id"`
	WarehouseID string        `json:"warehouse_id"`
	Lines       []PackageLine `json:"lines"`
	// Box is the code of the box chosen (R-RATE-8); empty when the goods ship as they are.
	Box string `json:"box,omitempty"`
	// WeightG is the parcel's actual weight: goods and box.
	WeightG  int64 `json:"weight_g"`
	LengthMM int64 `json:"length_mm"`
	WidthMM  int64 `json:"width_mm"`
	HeightMM int64 `json:"height_mm"`
	// COD is the amount the carrier collects on delivery of this parcel (R-MKT-2): the order's
	// whole COD amount travels with its first package; nil for the others and prepaid orders.
	COD *Money `json:"cod,omitempty"`
	// Mode is how this package ships; a package over the platform's limits ships seller-side
	// even in a platform-mode shop (R-MODE-4).
	Mode      ShippingMode `json:"mode"`
	CreatedAt time.Time    `json:"created_at"`
}

// PackageLine is a SKU and a quantity in a package.
type PackageLine struct {
	SKU      string `json:"sku"`
	Quantity int64  `json:"quantity"`
}

// Shipment is one attempt to ship one package: the carrier and service, the label bought and
// what it cost. A voided or failed shipment stays as history; the package then gets a new one.
type Shipment struct {
	ID        string         `json:"id"`
	ShopID    string         `json:"shop_id"`
	OrderID   string         `json:"order_id"`
	PackageID string         `json:"package_id"`
	Status    ShipmentStatus `json:"status"`
	Mode      ShippingMode   `json:"mode"`
	Carrier   string         `json:"carrier"`
	Service   string         `json:"service"`
	// TrackingNumber is the carrier's number, normalised and checked (R-SHIP-4).
	TrackingNumber string `json:"tracking_number,omitempty"`
	// CarrierShipmentID is the carrier's own id of the label, for voids and support.
	CarrierShipmentID string `json:"carrier_shipment_id,omitempty"`
	// Quote is what rating said the label would cost when it was chosen; Cost what the carrier
	// charged. They differ only when the carrier's prices moved.
	Quote *Cost `json:"quote,omitempty"`
	Cost  *Cost `json:"cost,omitempty"`
	// LabelFormat is the format of the label document as issued: the carrier's own document
	// (pdf, png, zpl: R-SHIP-2) or "data" when lastmile renders the label from carrier data.
	LabelFormat string `json:"label_format,omitempty"`
	// Failure says why a failed shipment got no label, and what to fix.
	Failure *FieldError `json:"failure,omitempty"`
	// ManifestID is the end-of-day manifest the shipment is on (R-SHIP-5).
	ManifestID string `json:"manifest_id,omitempty"`
	// BatchID is the batch that shipped it, if any.
	BatchID     string     `json:"batch_id,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	PurchasedAt *time.Time `json:"purchased_at,omitempty"`
	VoidedAt    *time.Time `json:"voided_at,omitempty"`
	UpdatedAt   time.Time  `json:"updated_at"`
}

// Cost is an amount with its breakdown (R-RATE-1: base, fuel, remote area, fees, options,
// rebates, subsidies).
type Cost struct {
	Total Money      `json:"total"`
	Lines []CostLine `json:"lines,omitempty"`
}

// CostLine is one part of a Cost.
type CostLine struct {
	Kind   string `json:"kind"`
	Name   string `json:"name,omitempty"`
	Amount int64  `json:"amount"`
}

// LabelDocument is a label's bytes in one format and resolution. The document a carrier
// returned is kept as it came (R-SHIP-2); lastmile's own renderings are stored the first time
// they are asked for, so a reprint returns the same bytes (R-LBL-6).
type LabelDocument struct {
	ShipmentID  string    `json:"shipment_id"`
	Format      string    `json:"format"` // pdf, zpl, png, or data (the carrier's label data, JSON)
	DPI         int       `json:"dpi,omitempty"`
	ContentType string    `json:"content_type"`
	Content     []byte    `json:"-"`
	CreatedAt   time.Time `json:"created_at"`
}
