// Package demo makes realistic demo data: shops on the markets lastmile's users sell to, and
// orders with local names, addresses, phone numbers, currencies and the goods cross-border
// sellers ship (including battery items, R-SHIP-6, and COD in South-East Asia, R-MKT-2). It is a
// fixture for `lastmile demo` and tests; the marketplace simulator will take over feeding orders.
package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"lastmile/internal/model"
)

// Markets are the demo's markets, one demo shop each: the markets the simulated carrier network
// serves, so that every demo order ready to ship can ship. (DE has demo addresses below, but no
// carrier of the network delivers in Germany yet.)
var Markets = []model.Market{"US", "GB", "ID", "TH", "MY", "VN", "PH", "SG"}

type place struct {
	city, region, postal, phonePrefix string
	streets                           []string
}

type locale struct {
	currency string
	// priceMul is how prices are rounded and scaled: 0 for a currency without minor units in
	// use (VND, rounded to 1,000); otherwise minor units per major unit for currencies priced in
	// round hundreds (IDR); 1 for everything priced at x.99.
	priceMul int64
	names    []string
	places   []place
	codShare float64 // share of orders paid cash on delivery (R-MKT-2)
	phoneLen int     // digits after the prefix
}

var locales = map[model.Market]locale{
	"US": {currency: "USD", priceMul: 1, names: []string{"Jane Doe", "Michael Johnson", "Emily Davis", "Chris Martinez", "Ashley Brown", "David Wilson"},
		places: []place{
			{"Mountain View", "CA", "94043", "+1650555", []string{"Amphitheatre Pkwy", "Castro St", "Shoreline Blvd"}},
			{"Austin", "TX", "78701", "+1512555", []string{"Congress Ave", "Lavaca St", "W 6th St"}},
			{"Brooklyn", "NY", "11201", "+1718555", []string{"Atlantic Ave", "Court St", "Henry St"}},
			{"Miami", "FL", "33131", "+1305555", []string{"Brickell Ave", "SE 8th St"}},
			{"Honolulu", "HI", "96815", "+1808555", []string{"Kalakaua Ave", "Kuhio Ave"}},
		}, phoneLen: 4},
	"GB": {currency: "GBP", priceMul: 1, names: []string{"Oliver Smith", "Amelia Jones", "Harry Taylor", "Isla Brown", "George Evans"},
		places: []place{
			{"London", "", "SW1A 1AA", "+44207946", []string{"Baker Street", "Oxford Street", "Camden High Street"}},
			{"Manchester", "", "M1 1AE", "+44161496", []string{"Deansgate", "Oldham Street"}},
			{"Edinburgh", "", "EH1 1YZ", "+44131496", []string{"Princes Street", "Royal Mile"}},
		}, phoneLen: 4},
	"DE": {currency: "EUR", priceMul: 1, names: []string{"Lukas Müller", "Anna Schmidt", "Leon Schneider", "Mia Fischer", "Jonas Weber"},
		places: []place{
			{"Berlin", "", "10115", "+4930901", []string{"Invalidenstraße", "Torstraße", "Chausseestraße"}},
			{"München", "", "80331", "+4989210", []string{"Marienplatz", "Sendlinger Straße"}},
			{"Hamburg", "", "20095", "+4940428", []string{"Mönckebergstraße", "Spitalerstraße"}},
		}, phoneLen: 5},
	"ID": {currency: "IDR", priceMul: 100, names: []string{"Budi Santoso", "Siti Rahayu", "Agus Wijaya", "Dewi Lestari", "Rizky Pratama"},
		places: []place{
			{"Jakarta Selatan", "JK", "12190", "+62812", []string{"Jl. Jenderal Sudirman", "Jl. Gatot Subroto"}},
			{"Surabaya", "JI", "60271", "+62813", []string{"Jl. Tunjungan", "Jl. Basuki Rahmat"}},
			{"Bandung", "JB", "40111", "+62815", []string{"Jl. Asia Afrika", "Jl. Braga"}},
		}, codShare: 0.4, phoneLen: 8},
	"TH": {currency: "THB", priceMul: 1, names: []string{"Somchai Srisuk", "Malee Wongsa", "Anan Chaiyaporn", "Pim Rattanakorn"},
		places: []place{
			{"Bangkok", "10", "10110", "+6681", []string{"Sukhumvit Road", "Silom Road", "Rama IV Road"}},
			{"Chiang Mai", "50", "50200", "+6689", []string{"Nimmanhaemin Road", "Tha Phae Road"}},
		}, codShare: 0.5, phoneLen: 7},
	"MY": {currency: "MYR", priceMul: 1, names: []string{"Ahmad Firdaus", "Nur Aisyah", "Tan Wei Ming", "Siti Nurhaliza"},
		places: []place{
			{"Kuala Lumpur", "14", "50450", "+60123", []string{"Jalan Ampang", "Jalan Bukit Bintang"}},
			{"Petaling Jaya", "10", "46200", "+60173", []string{"Jalan SS 2/24", "Jalan Templer"}},
		}, codShare: 0.3, phoneLen: 6},
	"VN": {currency: "VND", priceMul: 0, names: []string{"Nguyen Van An", "Tran Thi Mai", "Le Hoang Nam", "Pham Thu Ha"},
		places: []place{
			{"Ho Chi Minh City", "SG", "70000", "+8490", []string{"Nguyen Hue", "Le Loi", "Dong Khoi"}},
			{"Hanoi", "HN", "10000", "+8491", []string{"Hang Bai", "Trang Tien"}},
		}, codShare: 0.6, phoneLen: 7},
	"PH": {currency: "PHP", priceMul: 1, names: []string{"Juan Dela Cruz", "Maria Santos", "Jose Reyes", "Ana Garcia"},
		places: []place{
			{"Makati", "00", "1226", "+63917", []string{"Ayala Avenue", "Paseo de Roxas"}},
			{"Cebu City", "CEB", "6000", "+63918", []string{"Osmeña Boulevard", "Colon Street"}},
		}, codShare: 0.5, phoneLen: 7},
	"SG": {currency: "SGD", priceMul: 1, names: []string{"Tan Ah Kow", "Lim Mei Ling", "Raj Kumar", "Siti Aminah"},
		places: []place{
			{"Singapore", "", "018956", "+656", []string{"Marina Boulevard", "Orchard Road", "Raffles Place"}},
		}, phoneLen: 7},
}

type product struct {
	sku, name, declared string
	usdCents            int64
	weightG             int64
	dims                [3]int64 // mm
	battery             bool
}

var products = []product{
	{"TSHIRT-RED-M", "T-shirt red M", "Cotton T-shirt", 1299, 180, [3]int64{250, 200, 20}, false},
	{"PHONECASE-IP15", "Phone case iPhone 15 clear", "Plastic phone case", 899, 60, [3]int64{170, 90, 15}, false},
	{"PB-10000", "Power bank 10000mAh", "Lithium-ion power bank", 2499, 220, [3]int64{140, 70, 16}, true},
	{"LED-STRIP-5M", "LED strip light 5 m RGB", "LED light strip", 1599, 300, [3]int64{200, 150, 40}, false},
	{"EARBUDS-TWS", "Wireless earbuds", "Bluetooth earphones with battery", 1999, 120, [3]int64{100, 80, 40}, true},
	{"LIPTINT-03", "Lip tint #03", "Cosmetic lip tint", 699, 40, [3]int64{90, 30, 30}, false},
	// Sized so that every demo order fits a box every market's carriers take (R-RATE-8).
	{"RES-BANDS-5", "Resistance bands set of 5", "Latex exercise bands", 1499, 450, [3]int64{300, 200, 60}, false},
}

// usdRate is local major units per US dollar (rough, for demo prices only).
var usdRate = map[string]float64{"USD": 1, "GBP": 0.79, "EUR": 0.92, "IDR": 15800, "THB": 35.5, "MYR": 4.45, "VND": 25400, "PHP": 58, "SGD": 1.34}

// Generator makes demo orders. It is deterministic for a given seed.
type Generator struct {
	rng *rand.Rand
	seq int
}

// NewGenerator returns a Generator seeded with seed.
func NewGenerator(seed uint64) *Generator {
	return &Generator{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// Order returns a new paid order on market, placed at now. ShopID is left for the caller.
func (g *Generator) Order(market model.Market, now time.Time) model.Order {
	loc, ok := locales[market]
	if !ok {
		loc = locales["US"]
	}
	g.seq++
	p := loc.places[g.rng.IntN(len(loc.places))]
	name := loc.names[g.rng.IntN(len(loc.names))]
	phone := p.phonePrefix + g.digits(loc.phoneLen)
	created := now.Add(-time.Duration(g.rng.IntN(600)) * time.Second).UTC().Truncate(time.Second)
	paid := created.Add(time.Duration(30+g.rng.IntN(300)) * time.Second)

	var lines []model.Line
	var total int64
	for n := 1 + g.rng.IntN(3); len(lines) < n; {
		pr := products[g.rng.IntN(len(products))]
		dup := false
		for _, l := range lines {
			dup = dup || l.SKU == pr.sku
		}
		if dup {
			continue
		}
		price := localPrice(pr.usdCents, loc)
		qty := int64(1 + g.rng.IntN(2))
		total += price * qty
		lines = append(lines, model.Line{SKU: pr.sku, Name: pr.name, Quantity: qty,
			UnitPrice: model.Money{Amount: price, Currency: loc.currency}, WeightG: pr.weightG,
			LengthMM: pr.dims[0], WidthMM: pr.dims[1], HeightMM: pr.dims[2], DeclaredName: pr.declared, HasBattery: pr.battery})
	}
	o := model.Order{
		// TikTok Shop order ids are 18 digits.
		ExternalID: fmt.Sprintf("57%07d%09d", created.Unix()%10_000_000, g.seq),
		Market:     market, Currency: loc.currency, Status: model.StatusAwaitingShipment,
		CreatedAt: created, PaidAt: &paid, UpdatedAt: paid,
		Buyer: model.Buyer{Name: name, Phone: phone},
		ShippingAddress: model.Address{Name: name, Line1: fmt.Sprintf("%d %s", 1+g.rng.IntN(250), p.streets[g.rng.IntN(len(p.streets))]),
			City: p.city, Region: p.region, PostalCode: p.postal, Country: string(market), Phone: phone},
		Lines: lines,
	}
	if g.rng.Float64() < loc.codShare {
		o.COD = &model.Money{Amount: total, Currency: loc.currency}
	}
	// Some addresses arrive the way sellers paste them from chats and Excel, and a few are wrong,
	// so the demo shows both the clean-up and the hold (R-ORD-6).
	switch {
	case g.seq%40 == 0:
		a := &o.ShippingAddress
		a.PostalCode = a.PostalCode[:len(a.PostalCode)-1] // one digit lost: held, postal_code_format
	case g.seq%7 == 0:
		a := &o.ShippingAddress
		a.PostalCode = fullWidth(a.PostalCode) // ９４０４３: normalised, not held
		a.Line1 = " " + strings.Replace(a.Line1, " ", "，", 1) + "　"
	}
	return o
}

// fullWidth writes ASCII digits and letters as their full-width forms, as Chinese input methods do.
func fullWidth(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r > ' ' && r < 0x7f {
			r += 0xFEE0
		}
		b.WriteRune(r)
	}
	return b.String()
}

func (g *Generator) digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + g.rng.IntN(10))
	}
	return string(b)
}

// localPrice converts a USD price to a charm price in the locale's minor units.
func localPrice(usdCents int64, loc locale) int64 {
	major := float64(usdCents) / 100 * usdRate[loc.currency]
	switch {
	case loc.priceMul == 0: // VND: no minor unit in use, round to 1,000
		return int64(major/1000+0.5) * 1000
	case major >= 1000: // IDR and the like: round to 100 major units
		return int64(major/100+0.5) * 100 * loc.priceMul
	}
	return (int64(major)+1)*100 - 1 // x.99
}

// StockPerSKU is how many units of each product a demo warehouse holds: enough that the
// demo's orders always allocate.
const StockPerSKU = 100_000

// SKUs are the products of the demo's orders.
func SKUs() []string {
	out := make([]string, len(products))
	for i, p := range products {
		out[i] = p.sku
	}
	return out
}

// Warehouse is the demo shop's local warehouse in market (an overseas warehouse in the
// destination market, R-MODE-1), in the market's time zone tz, with code "DEMO-<market>".
// ShopID and ID are left for the caller.
func Warehouse(market model.Market, tz string) model.Warehouse {
	loc, ok := locales[market]
	if !ok {
		loc = locales["US"]
	}
	p := loc.places[0]
	addr := model.Address{Name: "Demo Fulfilment " + string(market), Line1: "8 " + p.streets[len(p.streets)-1],
		City: p.city, Region: p.region, PostalCode: p.postal, Country: string(market), Phone: p.phonePrefix + strings.Repeat("1", loc.phoneLen)}
	return model.Warehouse{Code: "DEMO-" + string(market), Name: "Demo warehouse " + p.city, Type: model.WarehouseOverseas,
		Address: addr, ShipFrom: addr, ReturnAddress: addr, TimeZone: tz}
}
