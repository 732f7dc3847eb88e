package carrier

import (
	"time"

	"lastmile/internal/model"
)

// Parcel is what is handed to the carrier: actual weight in grams and outer dimensions in
// millimetres. A zero dimension means the size is unknown.
type Parcel struct {
	WeightG                     int64
	LengthMM, WidthMM, HeightMM int64
}

// RateRequest asks a carrier for prices.
type RateRequest struct {
	// From is the ship-from (warehouse) address; its country is the parcel's origin.
	From model.Address
	// To is the recipient's address; the carrier prices its zone and remote-area surcharge
	// (R-RATE-3).
	To model.Address
	// Parcel is the packed parcel.
	Parcel Parcel
	// ShipDate is the hand-over day: its calendar date (in its own location) picks the price
	// version and the fuel surcharge in force. Zero means the carrier's today.
	ShipDate time.Time
	// Market is the destination market (ISO 3166-1 alpha-2); empty means To.Country.
	Market string
	// COD is the amount to collect on delivery; a zero Amount is a prepaid parcel (R-MKT-2).
	COD model.Money
	// Declared is the declared value of the contents, for insurance options; zero if none.
	Declared model.Money
	// Options are the options asked for ("signature", "insurance", "priority"); cod follows
	// from COD.
	Options []string
	// Services limits the answer to these service codes; empty asks for every service.
	Services []string
}

// ChargeKind is the kind of a charge line. The kinds and their order are rating's breakdown
// line kinds (R-RATE-1), so a carrier's charge and lastmile's quote compare line by line.
type ChargeKind string

// The charge kinds, in the order they appear.
const (
	ChargeBase    ChargeKind = "base"        // the bracket price of the chargeable weight
	ChargeFuel    ChargeKind = "fuel"        // fuel surcharge
	ChargeRemote  ChargeKind = "remote_area" // remote-area surcharge (R-RATE-3)
	ChargeFee     ChargeKind = "fee"         // a per-parcel fee, e.g. tracking (R-RATE-3)
	ChargeOption  ChargeKind = "option"      // an option asked for, or cod
	ChargeRebate  ChargeKind = "rebate"      // a volume rebate, negative (R-RATE-4)
	ChargeSubsidy ChargeKind = "subsidy"     // a platform subsidy, negative (R-RATE-5)
)

// ChargeLine is one line of a price: Amount is in minor units of the currency of the Rate's
// or Label's total.
type ChargeLine struct {
	Kind ChargeKind
	// Name names the fee, option or subsidy ("tracking", "cod"); empty for the other kinds.
	Name   string
	Amount int64
}

// Rate is one service's price for a parcel.
type Rate struct {
	// Service is the service code; ServiceName its display name.
	Service, ServiceName string
	// Total is the sum of Lines.
	Total model.Money
	Lines []ChargeLine
	// ChargeableWeightG is the weight the price is for: max(actual, volumetric, minimum)
	// (R-RATE-2, R-RATE-6).
	ChargeableWeightG int64
	// TransitDaysMin and TransitDaysMax are the transit days to this destination (working
	// days when BusinessDays).
	TransitDaysMin, TransitDaysMax int
	BusinessDays                   bool
}

// CustomsItem is one line of a customs declaration (R-SHIP-6).
type CustomsItem struct {
	// Description is the declared item name; it must match the goods (R-SHIP-6).
	Description string
	Quantity    int
	// Value is the declared value of the whole line (all units).
	Value model.Money
	// HSCode is the Harmonized System code, 6 to 10 digits; empty if unknown.
	HSCode string
	// OriginCountry is where the goods were made (ISO alpha-2); empty if unknown.
	OriginCountry string
	// WeightG is the line's weight in grams; zero if unknown.
	WeightG int64
	// HasBattery must be true for goods with batteries (R-SHIP-6).
	HasBattery bool
}

// PurchaseRequest buys one label.
type PurchaseRequest struct {
	// IdempotencyKey is required: one per shipment attempt. A retry with the same key returns
	// the same label and never buys a second one.
	IdempotencyKey string
	// Reference is lastmile's package id; carriers print it on the label and return it.
	Reference string
	// OrderNumber is the marketplace's order number, printed on a carrier's own label
	// (R-LBL-3); empty means Reference.
	OrderNumber string
	// Service is the service code.
	Service string
	// From is the sender: From.Name and From.Phone are the sender's name and phone.
	From model.Address
	// To is the recipient: To.Name and To.Phone are the recipient's name and phone.
	To model.Address
	// Parcel is the packed parcel.
	Parcel Parcel
	// ShipDate is the hand-over day (see RateRequest.ShipDate); zero means today.
	ShipDate time.Time
	// Customs is the customs declaration, required when From and To are in different
	// countries (R-SHIP-6).
	Customs []CustomsItem
	// COD is the amount to collect on delivery; a zero Amount is a prepaid parcel (R-MKT-2).
	COD model.Money
	// Declared is the declared value of the contents, for insurance options.
	Declared model.Money
	// Options are the options asked for, as in RateRequest.
	Options []string
	// LabelFormat is the preferred format of the carrier's own document; the carrier may
	// return another of its Service.LabelFormats. Empty means the carrier's first. Ignored by
	// carriers that return label data.
	LabelFormat Format
}

// HasBattery reports whether any customs item carries the battery flag (R-SHIP-6).
func (r *PurchaseRequest) HasBattery() bool {
	for _, it := range r.Customs {
		if it.HasBattery {
			return true
		}
	}
	return false
}

// Label is a purchased label. It carries either Document (the carrier's own label, which
// lastmile keeps as it is: R-SHIP-2) or Data (what lastmile needs to render its own 4×6 label
// with internal/label, for carriers that return data instead), never both.
type Label struct {
	// Carrier and Service are the codes the label was bought with.
	Carrier, Service string
	// TrackingNumber is the carrier's number, in its normalised form (upper-case letters and
	// digits only, R-SHIP-4).
	TrackingNumber string
	// CarrierShipmentID is the carrier's id of the shipment, used to void it.
	CarrierShipmentID string
	// Reference is the request's Reference.
	Reference string
	// Charge is what the carrier charged, the sum of Lines.
	Charge model.Money
	Lines  []ChargeLine
	// PurchasedAt is when the carrier created the label (UTC).
	PurchasedAt time.Time
	// Document is the carrier's own label, kept as it is (R-SHIP-2); nil when Data is set.
	Document *Document
	// Data is the label data for lastmile's own label; nil when Document is set.
	Data *LabelData
}

// Document is a document a carrier made: a label or a manifest.
type Document struct {
	Format  Format
	Content []byte
}

// LabelData is what a carrier that returns data instead of a document tells lastmile to print
// on its own label (internal/label): label.Label{TrackingNumber: Label.TrackingNumber,
// Carrier: string(Service.Numbers), Service: ServiceName, SortCode: SortCode, …} with the
// addresses, order number, weight, COD and battery flag lastmile already has.
type LabelData struct {
	// CarrierName and ServiceName are printed as the carrier and service (R-LBL-3).
	CarrierName, ServiceName string
	// SortCode is the carrier's sort or routing code, printed large ("940-07").
	SortCode string
	// Barcode is the content of the label's main barcode: the tracking number, unless the
	// carrier routes on more (it is then this content, which starts or ends with the number).
	Barcode string
}

// VoidRequest cancels a label. TrackingNumber and CarrierShipmentID come from the Label.
type VoidRequest struct {
	TrackingNumber    string
	CarrierShipmentID string
	// IdempotencyKey makes the call safe to retry; an adapter derives one from the label when
	// it is empty.
	IdempotencyKey string
}

// Refund is the outcome of a void.
type Refund struct {
	TrackingNumber string
	// Amount is what the carrier gives back: the label's charge, or less.
	Amount model.Money
	// VoidedAt is when the label was voided (UTC): the same on every retry.
	VoidedAt time.Time
}

// Tracking is what a carrier knows of one tracking number.
type Tracking struct {
	TrackingNumber string
	// Found is false when the carrier does not know the number.
	Found bool
	// Events are the carrier's raw events, oldest first. The tracking layer normalises them.
	Events []TrackingEvent
}

// TrackingEvent is one raw carrier event.
type TrackingEvent struct {
	// Code is the carrier's own event code, as it gives it ("GX", "MP", "OC").
	Code        string
	Description string
	OccurredAt  time.Time
	Location    Location
}

// Location is where an event happened, as far as the carrier says.
type Location struct {
	City, Region, PostalCode, Country string
}

// ManifestRequest closes the day for labels handed over together (R-SHIP-5).
type ManifestRequest struct {
	// IdempotencyKey makes the call safe to retry; an adapter derives one from the request
	// when it is empty.
	IdempotencyKey string
	// ShipDate is the hand-over day.
	ShipDate time.Time
	// From is the warehouse's address; WarehouseRef lastmile's warehouse id.
	From         model.Address
	WarehouseRef string
	// TrackingNumbers are the labels handed over; each must be a live label of this carrier
	// not yet on a manifest.
	TrackingNumbers []string
}

// Manifest is an end-of-day scan form (R-SHIP-5).
type Manifest struct {
	// ID is the carrier's manifest id.
	ID string
	// Count is the number of labels on it; TrackingNumbers lists them.
	Count           int
	TrackingNumbers []string
	// Document is the scan form (PDF) when the carrier makes one; nil when it returns the
	// data only and lastmile renders the form.
	Document *Document
	// CreatedAt is when the carrier created it (UTC).
	CreatedAt time.Time
}

// Window is a span of time.
type Window struct {
	Start, End time.Time
}

// PickupRequest asks a carrier to collect parcels.
type PickupRequest struct {
	// IdempotencyKey makes the call safe to retry; an adapter derives one from the request
	// when it is empty.
	IdempotencyKey string
	// Address is where to collect; its Name and Phone are the contact's.
	Address model.Address
	// Window is when the parcels are ready; its Start's calendar date is the pickup day.
	Window Window
	// ParcelCount and TotalWeightG describe the collection.
	ParcelCount  int
	TotalWeightG int64
}

// Pickup is a scheduled collection.
type Pickup struct {
	// ConfirmationID is the carrier's id of the pickup.
	ConfirmationID string
	// Window is when the carrier will come: within the requested window.
	Window Window
}
