package trackno

// Carrier is a carrier code as used everywhere in lastmile (orders, labels, rate tables, the API).
// The values are a public contract: never rename one.
type Carrier string

// The carriers whose tracking numbers this package recognises.
const (
	UPS          Carrier = "ups"
	USPS         Carrier = "usps"
	FedEx        Carrier = "fedex"
	DHLExpress   Carrier = "dhl-express"
	DHLECommerce Carrier = "dhl-ecommerce"
	Amazon       Carrier = "amazon"
	OnTrac       Carrier = "ontrac"
	RoyalMail    Carrier = "royal-mail"
	Evri         Carrier = "evri"
	Yodel        Carrier = "yodel"
	DPD          Carrier = "dpd"
	GLS          Carrier = "gls"
	JTExpress    Carrier = "jt-express"
	NinjaVan     Carrier = "ninja-van"
	FlashExpress Carrier = "flash-express"
	Kerry        Carrier = "kerry"
	SPX          Carrier = "spx"
	YunExpress   Carrier = "yunexpress"
	FourPX       Carrier = "4px"
	Yanwen       Carrier = "yanwen"
	Cainiao      Carrier = "cainiao"
	SFExpress    Carrier = "sf-express"
	ChinaPost    Carrier = "china-post"
	// UPUS10 is any postal operator's UPU S10 item number; the operator is named in Result.Operator.
	UPUS10 Carrier = "upu-s10"
)

// carrierInfo is the fixed description of one carrier.
type carrierInfo struct {
	code Carrier
	name string // what a warehouse clerk calls it, used in messages
	// formatOnly is true when the carrier publishes no check digit that this package verifies, so
	// its numbers can only ever be recognised with ConfidenceFormat.
	formatOnly bool
}

// carriers is the table behind AllCarriers, FormatOnlyCarriers and Carrier.Name, in a stable order.
var carriers = [...]carrierInfo{
	{UPS, "UPS", false},
	{USPS, "USPS", false},
	{FedEx, "FedEx", false},
	{DHLExpress, "DHL Express", false},
	{DHLECommerce, "DHL eCommerce", true},
	{Amazon, "Amazon Logistics", true},
	{OnTrac, "OnTrac", false},
	{RoyalMail, "Royal Mail", false},
	{Evri, "Evri", true},
	{Yodel, "Yodel", true},
	{DPD, "DPD", false},
	{GLS, "GLS", true},
	{JTExpress, "J&T Express", true},
	{NinjaVan, "Ninja Van", true},
	{FlashExpress, "Flash Express", true},
	{Kerry, "Kerry Express", true},
	{SPX, "SPX Express", true},
	{YunExpress, "YunExpress", true},
	{FourPX, "4PX", true},
	{Yanwen, "Yanwen", true},
	{Cainiao, "Cainiao", true},
	{SFExpress, "SF Express", true},
	{ChinaPost, "China Post", false},
	{UPUS10, "UPU S10", false},
}

// AllCarriers returns every carrier code this package knows, in a stable order. The slice is
// new on every call; callers may keep or change it.
func AllCarriers() []Carrier {
	out := make([]Carrier, len(carriers))
	for i, c := range carriers {
		out[i] = c.code
	}
	return out
}

// FormatOnlyCarriers returns the carriers whose numbers are recognised by format alone (no
// published check digit is verified), in the order of AllCarriers.
func FormatOnlyCarriers() []Carrier {
	var out []Carrier
	for _, c := range carriers {
		if c.formatOnly {
			out = append(out, c.code)
		}
	}
	return out
}

func (c Carrier) info() (carrierInfo, bool) {
	for _, ci := range carriers {
		if ci.code == c {
			return ci, true
		}
	}
	return carrierInfo{}, false
}

// Known reports whether c is one of AllCarriers.
func (c Carrier) Known() bool {
	_, ok := c.info()
	return ok
}

// FormatOnly reports whether c's numbers can only be recognised by format (see FormatOnlyCarriers).
// It is false for unknown codes.
func (c Carrier) FormatOnly() bool {
	ci, _ := c.info()
	return ci.formatOnly
}

// Name is the carrier's display name ("DHL Express"); for an unknown code it is the code itself.
func (c Carrier) Name() string {
	if ci, ok := c.info(); ok {
		return ci.name
	}
	return string(c)
}
