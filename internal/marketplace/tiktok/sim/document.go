package sim

import (
	"bytes"
	"fmt"
	"net/http"

	"lastmile/internal/address"
	"lastmile/internal/label"
	"lastmile/internal/label/pdf"
	"lastmile/internal/marketplace/tiktok"
	"lastmile/internal/model"
)

// platformCarrier is the carrier code printed on platform labels; trackno does not know it, so
// its numbers are checked by format only.
const platformCarrier = "tiktok-shipping"

// warehouses are the ship-from addresses of the sim's shops, one per market (an overseas
// warehouse, R-MODE-1): platform labels print them.
var warehouses = map[model.Market]model.Address{
	"US": {Name: "Sunrise Fulfilment", Line1: "1 Warehouse Way", City: "Ontario", Region: "CA", PostalCode: "91761", Country: "US"},
	"GB": {Name: "Sunrise Fulfilment UK", Line1: "Unit 5 Magna Park", City: "Lutterworth", PostalCode: "LE17 4XH", Country: "GB"},
	"DE": {Name: "Sunrise Fulfilment DE", Line1: "Am Logistikpark 3", City: "Hamburg", PostalCode: "21129", Country: "DE"},
	"ID": {Name: "Bright Home Gudang", Line1: "Jl. Raya Cakung Cilincing No. 8", City: "Jakarta Utara", Region: "DKI Jakarta", PostalCode: "14130", Country: "ID"},
	"TH": {Name: "Bright Home Warehouse", Line1: "88 Bangna-Trad Road km 19", City: "Bang Phli", Region: "Samut Prakan", PostalCode: "10540", Country: "TH"},
	"MY": {Name: "Bright Home Gudang MY", Line1: "Jalan Kebun 12", City: "Shah Alam", Region: "Selangor", PostalCode: "40460", Country: "MY"},
	"VN": {Name: "Bright Home Kho", Line1: "12 Nguyen Van Linh", City: "Ho Chi Minh City", Region: "SG", PostalCode: "70000", Country: "VN"},
	"PH": {Name: "Bright Home Warehouse PH", Line1: "8 Sucat Road", City: "Paranaque", Region: "00", PostalCode: "1700", Country: "PH"},
	"SG": {Name: "Bright Home Warehouse SG", Line1: "21 Tuas South Avenue 1", City: "Singapore", PostalCode: "637203", Country: "SG"},
	"FR": {Name: "Sunrise Fulfilment FR", Line1: "5 Rue de la Logistique", City: "Lyon", PostalCode: "69007", Country: "FR"},
}

// providerNames are the carriers a seller-shipped package may name, by market: every carrier
// certified there by default (R-SHIP-3, internal/carrier's DefaultCertification) is among them,
// under the platform's name for it.
var providerNames = map[string][]string{
	"US": {"USPS", "UPS", "FedEx", "DHL eCommerce", "J&T Express"},
	"GB": {"Royal Mail", "Evri", "DPD", "Yodel"},
	"DE": {"DHL", "DPD", "GLS", "Hermes"},
	"FR": {"Colissimo", "Chronopost", "DPD"},
	"ID": {"J&T Express", "Ninja Van", "SiCepat"},
	"TH": {"Flash Express", "Kerry Express", "J&T Express", "Ninja Van"},
	"MY": {"J&T Express", "Ninja Van", "Pos Malaysia"},
	"VN": {"Giao Hang Nhanh", "J&T Express", "Ninja Van"},
	"PH": {"J&T Express", "Ninja Van", "Flash Express"},
	"SG": {"Ninja Van", "J&T Express", "SingPost"},
}

// providersOf lists the providers of market, each with a stable id.
func providersOf(market string) []provider {
	names, ok := providerNames[market]
	if !ok {
		names = []string{"J&T Express", "Ninja Van"}
	}
	out := make([]provider, len(names))
	for i, n := range names {
		out[i] = provider{ID: stableID("provider/"+n, 19), Name: n}
	}
	return out
}

// countryName is the country's English name in district_info.
func countryName(code string) string {
	names := map[string]string{"US": "United States", "GB": "United Kingdom", "DE": "Germany", "FR": "France",
		"ID": "Indonesia", "TH": "Thailand", "MY": "Malaysia", "VN": "Vietnam", "PH": "Philippines", "SG": "Singapore"}
	if n, ok := names[code]; ok {
		return n
	}
	return code
}

// platformLabel is the platform's label of a shipped platform-logistics package.
func (s *Sim) platformLabel(p *pkg) (label.Label, *apiErr) {
	o := p.order
	from, ok := warehouses[o.shop.Market]
	if !ok {
		return label.Label{}, errConflict("the sim has no warehouse in market %s to print on the label", o.shop.Market)
	}
	to := address.Normalize(model.Address{Name: o.to.name, Line1: o.to.line1, Line2: o.to.line2, City: o.to.city, Region: o.to.region,
		PostalCode: o.to.postal, Country: o.to.country, Phone: o.to.phone})
	l := label.Label{TrackingNumber: p.tracking, Carrier: platformCarrier, Service: "Standard", OrderExternalID: o.w.ID,
		PackageIndex: 1, PackageCount: len(o.pkgs), SortCode: sortCode(to), From: from, To: to}
	for i, q := range o.pkgs {
		if q == p {
			l.PackageIndex = i + 1
		}
	}
	if o.w.IsCOD {
		if amt, err := tiktok.ParseAmount(o.w.Payment.TotalAmount, o.w.Payment.Currency); err == nil {
			l.COD = &model.Money{Amount: amt, Currency: o.w.Payment.Currency}
		}
	}
	switch to.Country {
	case "GB", "DE", "FR": // R-LBL-5: the platform's anti-counterfeit QR
		qr := "https://sim.tiktok-shops.invalid/ac/" + to.Country + "/" + p.tracking
		l.AntiCounterfeitQR = &qr
	}
	if _, err := label.Prepare(l, label.Options{Size: label.SizeA6}); err != nil {
		return label.Label{}, errConflict("the platform cannot print a label for package %s: %v", p.id, err)
	}
	return l, nil
}

// sortCode is a routing code from the postal code.
func sortCode(to model.Address) string {
	var b []byte
	for i := 0; i < len(to.PostalCode) && len(b) < 3; i++ {
		c := to.PostalCode[i]
		if c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' {
			b = append(b, c)
		}
	}
	if len(b) == 0 {
		return to.Country
	}
	return to.Country + "-" + string(b)
}

// renderA6 renders l as a one-page A6 PDF.
func renderA6(l label.Label) ([]byte, error) {
	prep, err := label.Prepare(l, label.Options{Size: label.SizeA6})
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := pdf.Render(&buf, prep.Layout()); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// handleDocument serves a doc_url: the label PDF, until the URL expires (then 404).
func (s *Sim) handleDocument(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	d := s.docs[r.PathValue("token")]
	now := s.Now()
	if d != nil && !now.Before(d.expires) {
		delete(s.docs, r.PathValue("token"))
		d = nil
	}
	var l label.Label
	if d != nil {
		l = d.label
		s.stats.DocumentDownloads++
	}
	s.mu.Unlock()
	if d == nil {
		http.Error(w, "the document does not exist or its URL has expired (a doc_url is valid 24 h): ask shipping_documents again", http.StatusNotFound)
		return
	}
	b, err := renderA6(l)
	if err != nil {
		http.Error(w, fmt.Sprintf("rendering the label: %v", err), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="label-`+l.TrackingNumber+`.pdf"`)
	_, _ = w.Write(b)
}

// ProviderNames lists the shipping providers the sim's delivery options offer in market, by
// name, as GET shipping_providers answers them.
func ProviderNames(market string) []string {
	out := []string{}
	for _, p := range providersOf(market) {
		out = append(out, p.Name)
	}
	return out
}
