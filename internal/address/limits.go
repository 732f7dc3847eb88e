package address

// Limits are the longest label fields, in characters, that fit a 4×6 in (10×15 cm) thermal
// label at a font size the sort centre can read (R-LBL-1, R-LBL-4). Zero means no limit.
// They are business figures: carriers differ (35 is the address-line limit of the major
// express carriers' APIs), so they are configuration with DefaultLimits as the default.
type Limits struct {
	Name    int `json:"name"`
	Company int `json:"company"`
	Line1   int `json:"line1"`
	Line2   int `json:"line2"`
	City    int `json:"city"`
	Region  int `json:"region"`
}

// DefaultLimits returns the default label field limits (R-LBL-4):
//
//	field    limit
//	name     35
//	company  35
//	line1    35
//	line2    35
//	city     30
//	region   35
func DefaultLimits() Limits {
	return Limits{Name: 35, Company: 35, Line1: 35, Line2: 35, City: 30, Region: 35}
}

// Rules are the business figures the checks use; start from DefaultRules and override.
type Rules struct {
	Limits Limits // label field lengths (R-LBL-4)
}

// DefaultRules returns the platform defaults.
func DefaultRules() Rules { return Rules{Limits: DefaultLimits()} }

// cityOptional lists city-states, where the city is the country and buyers leave it empty
// (R-ORD-6 asks for a full address, which there has no separate city).
var cityOptional = map[string]bool{"SG": true, "HK": true, "MO": true, "MC": true, "VA": true, "GI": true}
