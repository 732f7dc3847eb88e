package sim

import (
	"fmt"
	"slices"

	"lastmile/internal/carrier"
	"lastmile/internal/carrier/ratecard"
	"lastmile/internal/rating"
	"lastmile/internal/trackno"
)

// def is one simulated carrier: what it can do, the number family and format of its labels,
// whether it returns its own label document or label data (R-SHIP-2), and its raw event codes.
// Its services and prices come from the rate cards with its code.
type def struct {
	code     string
	caps     carrier.Capabilities
	numbers  trackno.Carrier
	format   numberFormat
	document []carrier.Format // the carrier's own label formats; nil: it returns label data
	events   eventCodes
}

// eventCodes are a carrier's raw tracking codes, one per step of a parcel's way (journey.go).
// They imitate each carrier's style; they are not the carriers' published code lists. The
// tracking layer's tables (internal/tracking/codes) map every one of them.
type eventCodes [numSteps]event

type event struct{ code, description string }

// codes builds a carrier's table from its steps; a step left out is a bug the catalogue test
// reports.
func codes(m map[step]event) eventCodes {
	var c eventCodes
	for s, e := range m {
		c[s] = e
	}
	return c
}

const (
	capsAll     = carrier.CanRate | carrier.CanPurchase | carrier.CanVoid | carrier.CanTrack | carrier.CanManifest | carrier.CanPickup
	capsNoMan   = carrier.CanRate | carrier.CanPurchase | carrier.CanVoid | carrier.CanTrack | carrier.CanPickup
	capsNoPick  = carrier.CanRate | carrier.CanPurchase | carrier.CanVoid | carrier.CanTrack | carrier.CanManifest
	capsLabels  = carrier.CanRate | carrier.CanPurchase | carrier.CanVoid | carrier.CanTrack
	capsNoTrack = carrier.CanRate | carrier.CanPurchase | carrier.CanVoid
)

var (
	uspsEvents = codes(map[step]event{
		stepCreated:            {"GX", "Shipping Label Created, USPS Awaiting Item"},
		stepAccepted:           {"OA", "Accepted at USPS Origin Facility"},
		stepVoided:             {"RF", "Label Refunded"},
		stepDeparted:           {"L1", "Departed USPS Facility"},
		stepArrived:            {"10", "Arrived at USPS Regional Facility"},
		stepExportCleared:      {"EC", "Processed Through Export Customs"},
		stepDestinationArrival: {"A1", "Arrived in Destination Country"},
		stepImportCleared:      {"IC", "Cleared Import Customs"},
		stepCustomsHold:        {"CH", "Held in Customs"},
		stepDelayed:            {"DY", "In Transit, Arriving Late"},
		stepOutForDelivery:     {"OF", "Out for Delivery"},
		stepDelivered:          {"01", "Delivered, In/At Mailbox"},
		stepFailedAttempt:      {"02", "Notice Left (No Authorized Recipient Available)"},
		stepAvailableForPickup: {"PK", "Available for Pickup at Post Office"},
		stepAddressProblem:     {"AX", "Insufficient Address"},
		stepRefused:            {"RD", "Refused by Addressee"},
		stepReturning:          {"RS", "Return to Sender Processed"},
		stepReturned:           {"RT", "Delivered to Sender"},
		stepLost:               {"LS", "Missing Mail Search: Item Could Not Be Located"},
		stepDamaged:            {"DM", "Damaged Item"},
		stepMisdelivered:       {"MD", "Delivered to Wrong Address"},
	})
	upsEvents = codes(map[step]event{
		stepCreated:            {"MP", "Shipper created a label, UPS has not received the package yet"},
		stepAccepted:           {"OR", "Origin Scan"},
		stepVoided:             {"VD", "Shipment Voided"},
		stepDeparted:           {"DP", "Departed from Facility"},
		stepArrived:            {"AR", "Arrived at Facility"},
		stepExportCleared:      {"EX", "Export Scan: cleared export customs"},
		stepDestinationArrival: {"IA", "Import Scan: arrived in the destination country"},
		stepImportCleared:      {"IC", "Cleared Customs"},
		stepCustomsHold:        {"CH", "Held by customs: clearance information required"},
		stepDelayed:            {"DY", "Delay: the package will be late"},
		stepOutForDelivery:     {"OT", "Out For Delivery Today"},
		stepDelivered:          {"DL", "Delivered"},
		stepFailedAttempt:      {"FA", "The receiver was not available for delivery"},
		stepAvailableForPickup: {"AP", "Available for pickup at a UPS Access Point"},
		stepAddressProblem:     {"AD", "The address is incorrect"},
		stepRefused:            {"RF", "The receiver refused the delivery"},
		stepReturning:          {"RS", "Returning to sender"},
		stepReturned:           {"RT", "Returned to shipper"},
		stepLost:               {"LS", "Package lost"},
		stepDamaged:            {"DM", "Package damaged"},
		stepMisdelivered:       {"MS", "Delivered to an incorrect address"},
	})
	fedexEvents = codes(map[step]event{
		stepCreated:            {"OC", "Shipment information sent to FedEx"},
		stepAccepted:           {"PU", "Picked up"},
		stepVoided:             {"CA", "Shipment cancelled by sender"},
		stepDeparted:           {"DP", "Departed FedEx location"},
		stepArrived:            {"AR", "Arrived at FedEx location"},
		stepExportCleared:      {"EC", "Export clearance completed"},
		stepDestinationArrival: {"IN", "Arrived in destination country"},
		stepImportCleared:      {"CC", "Import clearance completed"},
		stepCustomsHold:        {"CD", "Clearance delay"},
		stepDelayed:            {"DY", "Delay"},
		stepOutForDelivery:     {"OD", "On FedEx vehicle for delivery"},
		stepDelivered:          {"DL", "Delivered"},
		stepFailedAttempt:      {"DE", "Delivery exception: customer not available"},
		stepAvailableForPickup: {"HP", "Ready for pickup at FedEx location"},
		stepAddressProblem:     {"AX", "Incorrect address"},
		stepRefused:            {"RR", "Refused by recipient"},
		stepReturning:          {"RS", "Returning package to shipper"},
		stepReturned:           {"RT", "Delivered to shipper"},
		stepLost:               {"LP", "Package cannot be located"},
		stepDamaged:            {"DM", "Package damaged"},
		stepMisdelivered:       {"MD", "Delivered to wrong address"},
	})
	dhlEvents = codes(map[step]event{
		stepCreated:            {"600", "Label created"},
		stepAccepted:           {"220", "Processed at DHL eCommerce facility"},
		stepVoided:             {"599", "Label cancelled"},
		stepDeparted:           {"300", "Departed facility"},
		stepArrived:            {"310", "Arrived at DHL eCommerce facility"},
		stepExportCleared:      {"400", "Cleared export customs"},
		stepDestinationArrival: {"410", "Arrived in destination country"},
		stepImportCleared:      {"420", "Cleared import customs"},
		stepCustomsHold:        {"430", "Held by customs"},
		stepDelayed:            {"510", "Delayed in transit"},
		stepOutForDelivery:     {"580", "Out for delivery"},
		stepDelivered:          {"700", "Delivered"},
		stepFailedAttempt:      {"710", "Delivery attempted, recipient not available"},
		stepAvailableForPickup: {"720", "Available for pickup at post office"},
		stepAddressProblem:     {"730", "Address problem"},
		stepRefused:            {"740", "Refused by recipient"},
		stepReturning:          {"750", "Returning to shipper"},
		stepReturned:           {"760", "Returned to shipper"},
		stepLost:               {"770", "Parcel lost"},
		stepDamaged:            {"780", "Parcel damaged"},
		stepMisdelivered:       {"790", "Misdelivered"},
	})
	jtEvents = codes(map[step]event{
		stepCreated:            {"ORDER_CREATED", "Order created"},
		stepAccepted:           {"PICKED_UP", "Parcel picked up"},
		stepVoided:             {"ORDER_CANCELLED", "Order cancelled"},
		stepDeparted:           {"DEPARTURE", "Departed from sorting centre"},
		stepArrived:            {"ARRIVAL", "Arrived at sorting centre"},
		stepExportCleared:      {"EXPORT_CLEARED", "Export customs cleared"},
		stepDestinationArrival: {"ARRIVED_DESTINATION_COUNTRY", "Arrived in destination country"},
		stepImportCleared:      {"IMPORT_CLEARED", "Import customs cleared"},
		stepCustomsHold:        {"CUSTOMS_HOLD", "Held by customs"},
		stepDelayed:            {"DELAYED", "Delivery delayed"},
		stepOutForDelivery:     {"ON_DELIVERY", "Out for delivery"},
		stepDelivered:          {"SIGNED", "Delivered, signed by recipient"},
		stepFailedAttempt:      {"DELIVERY_FAILED", "Delivery failed, recipient not available"},
		stepAvailableForPickup: {"READY_FOR_COLLECTION", "Ready for collection at J&T outlet"},
		stepAddressProblem:     {"PROBLEM_ADDRESS", "Problem parcel: incomplete address"},
		stepRefused:            {"REJECTED", "Rejected by recipient"},
		stepReturning:          {"RETURNING", "Returning to sender"},
		stepReturned:           {"RETURNED", "Returned to sender"},
		stepLost:               {"LOST", "Parcel lost"},
		stepDamaged:            {"DAMAGED", "Parcel damaged"},
		stepMisdelivered:       {"MISDELIVERED", "Delivered to wrong recipient"},
	})
	royalMailEvents = codes(map[step]event{
		stepCreated:            {"EVNMI", "Sender preparing item"},
		stepAccepted:           {"EVAIP", "Item received"},
		stepVoided:             {"EVNCX", "Item cancelled by sender"},
		stepDeparted:           {"EVNDA", "Item despatched from mail centre"},
		stepArrived:            {"EVNAR", "Item arrived at delivery office"},
		stepExportCleared:      {"EVIEX", "Item cleared export customs"},
		stepDestinationArrival: {"EVIAD", "Item arrived in destination country"},
		stepImportCleared:      {"EVICL", "Item cleared import customs"},
		stepCustomsHold:        {"EVIHC", "Item held by customs"},
		stepDelayed:            {"EVNDY", "Item delayed"},
		stepOutForDelivery:     {"EVKOP", "Item out for delivery"},
		stepDelivered:          {"EVKSP", "Item delivered"},
		stepFailedAttempt:      {"EVKNA", "We tried to deliver: no one in"},
		stepAvailableForPickup: {"EVKLC", "Ready for collection at the local delivery office"},
		stepAddressProblem:     {"EVKAD", "Address incomplete or incorrect"},
		stepRefused:            {"EVKRF", "Item refused by recipient"},
		stepReturning:          {"EVRTS", "Item being returned to sender"},
		stepReturned:           {"EVRTD", "Item returned to sender"},
		stepLost:               {"EVNLS", "Item could not be located"},
		stepDamaged:            {"EVNDM", "Item damaged"},
		stepMisdelivered:       {"EVKMD", "Item delivered to wrong address"},
	})
	evriEvents = codes(map[step]event{
		stepCreated:            {"A00", "We've got your parcel details"},
		stepAccepted:           {"B10", "Collected from the sender"},
		stepVoided:             {"X99", "Parcel cancelled"},
		stepDeparted:           {"C10", "Departed our hub"},
		stepArrived:            {"C20", "Arrived at the local depot"},
		stepExportCleared:      {"E10", "Cleared export customs"},
		stepDestinationArrival: {"E20", "Arrived in the destination country"},
		stepImportCleared:      {"E30", "Cleared import customs"},
		stepCustomsHold:        {"E40", "Held by customs"},
		stepDelayed:            {"D05", "Running late"},
		stepOutForDelivery:     {"D10", "With the courier for delivery"},
		stepDelivered:          {"D20", "Delivered"},
		stepFailedAttempt:      {"D30", "We tried to deliver"},
		stepAvailableForPickup: {"D40", "At a ParcelShop for collection"},
		stepAddressProblem:     {"D50", "We could not find the address"},
		stepRefused:            {"D60", "Refused at the door"},
		stepReturning:          {"R10", "On its way back to the sender"},
		stepReturned:           {"R20", "Returned to the sender"},
		stepLost:               {"X10", "Parcel lost"},
		stepDamaged:            {"X20", "Parcel damaged"},
		stepMisdelivered:       {"X30", "Delivered to the wrong address"},
	})
	ninjaVanEvents = codes(map[step]event{
		stepCreated:            {"PENDING_PICKUP", "Order created, pending pickup"},
		stepAccepted:           {"SUCCESSFUL_PICKUP", "Successfully picked up from sender"},
		stepVoided:             {"CANCELLED", "Order cancelled"},
		stepDeparted:           {"DEPARTED_HUB", "Departed sorting hub"},
		stepArrived:            {"ARRIVED_AT_SORTING_HUB", "Arrived at sorting hub"},
		stepExportCleared:      {"EXPORT_CUSTOMS_CLEARED", "Export customs cleared"},
		stepDestinationArrival: {"ARRIVED_IN_DESTINATION_COUNTRY", "Arrived in destination country"},
		stepImportCleared:      {"IMPORT_CUSTOMS_CLEARED", "Import customs cleared"},
		stepCustomsHold:        {"HELD_AT_CUSTOMS", "Held at customs"},
		stepDelayed:            {"DELAYED", "Delivery delayed"},
		stepOutForDelivery:     {"ON_VEHICLE_FOR_DELIVERY", "On vehicle for delivery"},
		stepDelivered:          {"COMPLETED", "Delivered"},
		stepFailedAttempt:      {"PENDING_RESCHEDULE", "Delivery failed, pending reschedule"},
		stepAvailableForPickup: {"ARRIVED_AT_PUDO", "Ready for collection at a Ninja Point"},
		stepAddressProblem:     {"ADDRESS_ISSUE", "Address issue"},
		stepRefused:            {"REFUSED_BY_CUSTOMER", "Refused by customer"},
		stepReturning:          {"RETURN_TO_SENDER_TRIGGERED", "Returning to sender"},
		stepReturned:           {"RETURNED_TO_SENDER", "Returned to sender"},
		stepLost:               {"PARCEL_LOST", "Parcel lost"},
		stepDamaged:            {"PARCEL_DAMAGED", "Parcel damaged"},
		stepMisdelivered:       {"DELIVERED_TO_WRONG_ADDRESS", "Delivered to wrong address"},
	})
	flashEvents = codes(map[step]event{
		stepCreated:            {"10", "Order created"},
		stepAccepted:           {"20", "Parcel received at sorting centre"},
		stepVoided:             {"90", "Order cancelled"},
		stepDeparted:           {"21", "Departed sorting centre"},
		stepArrived:            {"22", "Arrived at distribution centre"},
		stepExportCleared:      {"30", "Export customs cleared"},
		stepDestinationArrival: {"31", "Arrived in destination country"},
		stepImportCleared:      {"32", "Import customs cleared"},
		stepCustomsHold:        {"33", "Held by customs"},
		stepDelayed:            {"40", "Delivery delayed"},
		stepOutForDelivery:     {"50", "Out for delivery"},
		stepDelivered:          {"60", "Delivered"},
		stepFailedAttempt:      {"61", "Delivery attempt failed"},
		stepAvailableForPickup: {"62", "Ready for pickup at Flash Home"},
		stepAddressProblem:     {"63", "Address problem"},
		stepRefused:            {"64", "Refused by recipient"},
		stepReturning:          {"70", "Returning to sender"},
		stepReturned:           {"71", "Returned to sender"},
		stepLost:               {"80", "Parcel lost"},
		stepDamaged:            {"81", "Parcel damaged"},
		stepMisdelivered:       {"82", "Misdelivered"},
	})
)

// defs are the simulated carriers, by code. UPS returns its own label document; the others
// return label data, so both paths of R-SHIP-2 are exercised. Capabilities differ on purpose
// (Evri has no manifest or pickup, UPS no manifest, Flash Express no tracking API) so that
// callers meet ErrUnsupported.
var defs = []def{
	{"usps", capsAll, trackno.USPS, uspsIMpb, nil, uspsEvents},
	{"ups", capsNoMan, trackno.UPS, ups1Z, []carrier.Format{carrier.FormatPDF, carrier.FormatZPL, carrier.FormatPNG}, upsEvents},
	{"fedex", capsAll, trackno.FedEx, fedexGround, nil, fedexEvents},
	{"dhl-ecommerce", capsAll, trackno.DHLECommerce, dhlECommerce, nil, dhlEvents},
	{"jt-us", capsNoMan, trackno.JTExpress, jtExpress('1'), nil, jtEvents},
	{"jt-th", capsNoMan, trackno.JTExpress, jtExpress('6'), nil, jtEvents},
	{"jt-my", capsNoMan, trackno.JTExpress, jtExpress('7'), nil, jtEvents},
	{"jt-ph", capsNoMan, trackno.JTExpress, jtExpress('8'), nil, jtEvents},
	{"jt-vn", capsNoMan, trackno.JTExpress, jtExpress('9'), nil, jtEvents},
	{"jt-id", capsNoMan, trackno.JTExpress, jtIndonesia, nil, jtEvents},
	{"royal-mail", capsNoPick, trackno.RoyalMail, royalMailS10("TT", "TP"), nil, royalMailEvents},
	{"evri", capsLabels, trackno.Evri, evri16, nil, evriEvents},
	{"ninja-van-th", capsNoMan, trackno.NinjaVan, ninjaVan("TH"), nil, ninjaVanEvents},
	{"ninja-van-my", capsNoMan, trackno.NinjaVan, ninjaVan("MY"), nil, ninjaVanEvents},
	{"ninja-van-sg", capsNoMan, trackno.NinjaVan, ninjaVan("SG"), nil, ninjaVanEvents},
	{"ninja-van-ph", capsNoMan, trackno.NinjaVan, ninjaVan("PH"), nil, ninjaVanEvents},
	{"ninja-van-vn", capsNoMan, trackno.NinjaVan, ninjaVan("VN"), nil, ninjaVanEvents},
	{"flash-th", capsNoTrack, trackno.FlashExpress, flashExpress, nil, flashEvents},
}

// Codes returns the codes of the simulated carriers, in a stable order.
func Codes() []string {
	out := make([]string, len(defs))
	for i, d := range defs {
		out[i] = d.code
	}
	return out
}

func lookup(code string) (*def, bool) {
	for i := range defs {
		if defs[i].code == code {
			return &defs[i], true
		}
	}
	return nil, false
}

// profile is a simulated carrier ready to use: its def, its pricer over the cards and its
// services as the carrier.Carrier interface describes them.
type profile struct {
	*def
	name     string
	pricer   *ratecard.Pricer
	services []carrier.Service
}

// newProfile joins a carrier's def with its cards.
func newProfile(d *def, cards *rating.Cards) (*profile, error) {
	p, err := ratecard.NewPricer(cards, d.code)
	if err != nil {
		return nil, fmt.Errorf("simulated carrier %s: %w", d.code, err)
	}
	svcs := p.Services()
	for i := range svcs {
		svcs[i].LabelFormats = slices.Clone(d.document)
		svcs[i].Numbers = d.numbers
	}
	return &profile{def: d, name: p.Name(), pricer: p, services: svcs}, nil
}

func (p *profile) serviceIndex(code string) int {
	return slices.IndexFunc(p.services, func(s carrier.Service) bool { return s.Code == code })
}

// defaultProfile is a simulated carrier described from the example rate cards embedded in
// lastmile, as its clients describe it.
func defaultProfile(code string) (*profile, error) {
	d, ok := lookup(code)
	if !ok {
		return nil, fmt.Errorf("no simulated carrier %q; the sim has %v", code, Codes())
	}
	cards, err := rating.DefaultCards()
	if err != nil {
		return nil, err
	}
	return newProfile(d, cards)
}

// Services returns the services of a simulated carrier as its client describes them, from the
// example rate cards embedded in lastmile.
func Services(code string) ([]carrier.Service, error) {
	p, err := defaultProfile(code)
	if err != nil {
		return nil, err
	}
	return p.services, nil
}
