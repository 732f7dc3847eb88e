package rating

// What a card says about its service, for the carrier adapters that describe their services
// from cards (internal/carrier/ratecard, internal/carrier/sim): read-only views of a loaded
// card.

// TransitDays is the fewest and the most transit days over the card's zones, and whether they
// count carrier working days (true) or calendar days.
func (c *Card) TransitDays() (minDays, maxDays int, business bool) {
	for i, z := range c.zones {
		if i == 0 || z.transitMin < minDays {
			minDays = z.transitMin
		}
		if z.transitMax > maxDays {
			maxDays = z.transitMax
		}
	}
	return minDays, maxDays, c.business
}

// OptionNames lists the names of the card's options in card order, "cod" included when the
// service collects cash on delivery (R-MKT-2).
func (c *Card) OptionNames() []string {
	out := make([]string, len(c.options))
	for i, o := range c.options {
		out[i] = o.name
	}
	return out
}

// TakesCOD reports whether the service collects cash on delivery: the card has a cod option
// (R-MKT-2).
func (c *Card) TakesCOD() bool { return c.codOption >= 0 }
