package rating

import (
	"fmt"
	"strings"
)

// Reason is why a service is not eligible for an order.
type Reason uint8

// The reasons, in the order they are reported.
const (
	ReasonNoCard      Reason = iota // no version of the card is in force on the hand-over day
	ReasonMarket                    // the card does not serve the order's market
	ReasonOrigin                    // the card ships from another country than the warehouse
	ReasonDestination               // no zone of the card covers the address
	ReasonCertified                 // the carrier is not certified in the market (R-SHIP-3)
	ReasonCurrency                  // the card's currency is not the order's
	ReasonCOD                       // the order is COD and the service or market does not take it (R-MKT-2)
	ReasonOption                    // an option asked for is not offered
	ReasonOverweight                // heavier than the service takes or prices
	ReasonOversize                  // larger than the service takes
	ReasonPromise                   // delivers after the promise deadline (R-SLA-1)
	ReasonDisabled                  // the shop does not ship with the carrier (its carriers setting)
	numReasons
)

var reasonCodes = [numReasons]string{
	"no_card_in_force", "market_not_served", "origin_not_served", "destination_not_served",
	"not_certified", "currency_mismatch", "cod_unsupported", "option_unavailable",
	"overweight", "oversize", "misses_promise", "carrier_disabled",
}

// Code is the reason's stable code, e.g. misses_promise.
func (r Reason) Code() string {
	if r < numReasons {
		return reasonCodes[r]
	}
	return "unknown"
}

func (r Reason) String() string { return r.Code() }

func (r Reason) bit() Reasons { return 1 << r }

// Reasons is a set of Reason.
type Reasons uint32

// Has reports whether r is in the set.
func (rs Reasons) Has(r Reason) bool { return rs&r.bit() != 0 }

// List is the reasons in the set, in reporting order.
func (rs Reasons) List() []Reason {
	var out []Reason
	for r := Reason(0); r < numReasons; r++ {
		if rs.Has(r) {
			out = append(out, r)
		}
	}
	return out
}

// Message explains reason r for quote q of result res, naming the figures involved.
func (res *Result) Message(q *Quote, req *Request, r Reason) string {
	c := q.Card
	switch r {
	case ReasonNoCard:
		return fmt.Sprintf("no version of the %s/%s card is in force on the hand-over day %s", q.Carrier, q.Service, res.Handover)
	case ReasonMarket:
		return fmt.Sprintf("%s does not serve market %s (it serves %s)", c.cardName(), req.Market.Code, strings.Join(c.Markets, ", "))
	case ReasonOrigin:
		return fmt.Sprintf("%s ships from %s, the warehouse is in %s", c.cardName(), c.Origin, req.Handover.Origin)
	case ReasonDestination:
		return fmt.Sprintf("no zone of %s covers %s %s %s", c.cardName(), req.Dest.Country, req.Dest.Region, req.Dest.Postal)
	case ReasonDisabled:
		return fmt.Sprintf("the shop does not ship with %s: its carriers setting enables %s; enable it in Settings (carriers) to use it", q.Carrier, strings.Join(req.Market.Carriers, ", "))
	case ReasonCertified:
		return fmt.Sprintf("%s is not platform-certified in %s; only certified carriers may be used there (R-SHIP-3)", c.Carrier, req.Market.Code)
	case ReasonCurrency:
		return fmt.Sprintf("the card prices in %s, the order is in %s; lastmile does not convert", c.Currency, req.Currency)
	case ReasonCOD:
		if !req.Market.CODAllowed {
			return fmt.Sprintf("market %s does not offer cash on delivery (R-MKT-2)", req.Market.Code)
		}
		return fmt.Sprintf("%s does not collect cash on delivery (R-MKT-2)", c.cardName())
	case ReasonOption:
		var missing []string
		for _, o := range req.Options {
			if c.option(o) < 0 {
				missing = append(missing, o)
			}
		}
		return fmt.Sprintf("%s does not offer %s", c.cardName(), strings.Join(missing, ", "))
	case ReasonOverweight:
		switch {
		case c.maxG > 0 && q.ActualG > c.maxG:
			return fmt.Sprintf("the parcel weighs %d g; %s takes at most %d g", q.ActualG, c.cardName(), c.maxG)
		case q.ChargeableG > maxChargeableG:
			return fmt.Sprintf("chargeable weight %d g is beyond what any card prices (%d g)", q.ChargeableG, maxChargeableG)
		}
		return fmt.Sprintf("chargeable weight %d g is beyond the last weight bracket of zone %s", q.ChargeableG, q.Zone)
	case ReasonOversize:
		return fmt.Sprintf("the parcel (%d×%d×%d mm) is larger than %s takes (%s)", req.Parcel.LengthMM, req.Parcel.WidthMM, req.Parcel.HeightMM, c.cardName(), c.sizeLimits())
	case ReasonPromise:
		return fmt.Sprintf("hand-over %s + %d %s transit days delivers by %s, after the promise deadline %s (%d days from payment, R-SLA-1)",
			res.Handover, q.TransitMax, c.transitBasis(), q.DeliveryBy, res.Deadline, req.Market.PromiseDays)
	}
	return r.Code()
}

func (c *Card) transitBasis() string {
	if c.business {
		return "working"
	}
	return "calendar"
}

func (c *Card) sizeLimits() string {
	var parts []string
	if c.maxDims[0] > 0 {
		parts = append(parts, fmt.Sprintf("sides up to %d×%d×%d mm", c.maxDims[0], c.maxDims[1], c.maxDims[2]))
	}
	if c.maxGirth > 0 {
		parts = append(parts, fmt.Sprintf("length + girth up to %d mm", c.maxGirth))
	}
	if len(parts) == 0 {
		return "sides up to 100 m"
	}
	return strings.Join(parts, ", ")
}
