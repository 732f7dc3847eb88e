package model

import "time"

// WarehouseType is how a warehouse fulfils (R-MODE-1).
type WarehouseType string

// The warehouse types of R-MODE-1.
const (
	WarehouseOverseas   WarehouseType = "overseas"    // stock pre-positioned in the destination market
	WarehouseDomesticCN WarehouseType = "domestic_cn" // in China: cross-border direct shipping
	WarehouseFBT        WarehouseType = "fbt"         // platform-managed (fulfilled by TikTok)
	WarehouseFBA        WarehouseType = "fba"         // FBA stock used as a seller's warehouse
)

// Valid reports whether t is one of the four types.
func (t WarehouseType) Valid() bool {
	switch t {
	case WarehouseOverseas, WarehouseDomesticCN, WarehouseFBT, WarehouseFBA:
		return true
	}
	return false
}

// CarrierService is a carrier service a warehouse can hand parcels over to.
type CarrierService struct {
	Carrier string `json:"carrier"`
	Service string `json:"service"`
}

// Warehouse is one place a shop's stock is kept and shipped from (R-MODE-6). Its JSON form is
// the API contract.
type Warehouse struct {
	// ID is lastmile's id for the warehouse ("wh_…"), unique across shops.
	ID string `json:"id"`
	// ShopID is the shop whose stock it keeps.
	ShopID string `json:"shop_id,omitempty"`
	// Code is the seller's own short name for it ("LAX1"), unique within the shop: stock files
	// and people name warehouses by code.
	Code string        `json:"code,omitempty"`
	Name string        `json:"name"`
	Type WarehouseType `json:"type"`
	// Market is the marketplace whose orders it serves when its transit table has no rule for the
	// destination. Empty: the country of Address.
	Market Market `json:"market,omitempty"`
	// Address is where the stock physically is. Its Country decides R-MODE-5: a US order ships
	// only from a warehouse whose address is in the US, whatever Market says.
	Address Address `json:"address"`
	// TimeZone is the IANA zone of the warehouse's clock: cut-off and working days count in it.
	TimeZone string `json:"time_zone"`
	// CutOff is the daily carrier hand-over cut-off, "HH:MM" local time: an order allocated
	// before it is handed over the same working day. Empty: the allocation policy's default
	// (inventory.Policy).
	CutOff string `json:"cut_off,omitempty"`
	// WorkingDays are the days parcels are handed over: "mon" … "sun". Empty: the
	// allocation policy's default (inventory.Policy).
	WorkingDays []string `json:"working_days,omitempty"`
	// ShipFrom is the sender address printed on labels (R-LBL-3).
	ShipFrom Address `json:"ship_from"`
	// ReturnAddress is where returns go: a local address, not China (R-RET-3).
	ReturnAddress Address `json:"return_address"`
	// Services are the carrier services it can hand over to.
	Services []CarrierService `json:"services,omitempty"`
	// Transit is the table of typical transit days to destinations. A destination no rule covers
	// (every destination, when the table is empty) is served only in the warehouse's own
	// market, with transit unknown.
	Transit []TransitRule `json:"transit,omitempty"`
	// CreatedAt and UpdatedAt are when the warehouse was stored and last changed.
	CreatedAt time.Time `json:"created_at,omitzero"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

// TransitRule gives the typical transit days from a warehouse to a destination by one service.
// A rule covers a country, narrowed by a region code or a postal-prefix range; the most
// specific matching rule wins (postal range, then region, then country).
type TransitRule struct {
	// Country is the destination's ISO 3166-1 alpha-2 code ("UK" is read as GB).
	Country string `json:"country"`
	// Region narrows the rule to a state/province code, as in Address.Region (e.g. "CA", "AK").
	Region string `json:"region,omitempty"`
	// PostalFrom and PostalTo narrow the rule to postal codes whose first len(PostalFrom)
	// characters fall between them, inclusive ("900"–"961"). PostalTo empty: PostalFrom only.
	// Spaces and hyphens are ignored, letters compared in upper case.
	PostalFrom string `json:"postal_from,omitempty"`
	PostalTo   string `json:"postal_to,omitempty"`
	// Service names the carrier service the days are for.
	Service string `json:"service,omitempty"`
	// MinDays and MaxDays are typical calendar days from hand-over to delivery. Estimates use
	// MaxDays: the promise is checked against the slow end.
	MinDays int `json:"min_days"`
	MaxDays int `json:"max_days"`
}
