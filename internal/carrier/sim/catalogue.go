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

// eventCodes are a carrier's raw tracking codes for what the sim does to a label. They imitate
// each carrier's style; they are not the carriers' published code lists.
type eventCodes struct {
	created, accepted, voided event
}

type event struct{ code, description string }

const (
	capsAll     = carrier.CanRate | carrier.CanPurchase | carrier.CanVoid | carrier.CanTrack | carrier.CanManifest | carrier.CanPickup
	capsNoMan   = carrier.CanRate | carrier.CanPurchase | carrier.CanVoid | carrier.CanTrack | carrier.CanPickup
	capsNoPick  = carrier.CanRate | carrier.CanPurchase | carrier.CanVoid | carrier.CanTrack | carrier.CanManifest
	capsLabels  = carrier.CanRate | carrier.CanPurchase | carrier.CanVoid | carrier.CanTrack
	capsNoTrack = carrier.CanRate | carrier.CanPurchase | carrier.CanVoid
)

var (
	uspsEvents = eventCodes{
		event{"GX", "Shipping Label Created, USPS Awaiting Item"},
		event{"OA", "Accepted at USPS Origin Facility"},
		event{"RF", "Label Refunded"},
	}
	upsEvents = eventCodes{
		event{"MP", "Shipper created a label, UPS has not received the package yet"},
		event{"OR", "Origin Scan"},
		event{"VD", "Shipment Voided"},
	}
	fedexEvents = eventCodes{
		event{"OC", "Shipment information sent to FedEx"},
		event{"PU", "Picked up"},
		event{"CA", "Shipment cancelled by sender"},
	}
	dhlEvents = eventCodes{
		event{"600", "Label created"},
		event{"220", "Processed at DHL eCommerce facility"},
		event{"599", "Label cancelled"},
	}
	jtEvents = eventCodes{
		event{"ORDER_CREATED", "Order created"},
		event{"PICKED_UP", "Parcel picked up"},
		event{"ORDER_CANCELLED", "Order cancelled"},
	}
	royalMailEvents = eventCodes{
		event{"EVNMI", "Sender preparing item"},
		event{"EVAIP", "Item received"},
		event{"EVNCX", "Item cancelled by sender"},
	}
	evriEvents = eventCodes{
		event{"A00", "We've got your parcel details"},
		event{"B10", "Collected from the sender"},
		event{"X99", "Parcel cancelled"},
	}
	ninjaVanEvents = eventCodes{
		event{"PENDING_PICKUP", "Order created, pending pickup"},
		event{"SUCCESSFUL_PICKUP", "Successfully picked up from sender"},
		event{"CANCELLED", "Order cancelled"},
	}
	flashEvents = eventCodes{
		event{"10", "Order created"},
		event{"20", "Parcel received at sorting centre"},
		event{"90", "Order cancelled"},
	}
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
