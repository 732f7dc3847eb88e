package address

// subdivisionsCA: the 10 provinces and 3 territories (ISO 3166-2:CA, equal to Canada Post's
// abbreviations), with French names and the old abbreviations still seen (PQ, NF, YK).
var subdivisionsCA = []subdivision{
	{"AB", "Alberta", []string{"Alta"}},
	{"BC", "British Columbia", []string{"Colombie-Britannique", "B.C."}},
	{"MB", "Manitoba", []string{"Man"}},
	{"NB", "New Brunswick", []string{"Nouveau-Brunswick"}},
	{"NL", "Newfoundland and Labrador", []string{"Newfoundland", "Labrador", "Terre-Neuve-et-Labrador", "NF", "Nfld"}},
	{"NS", "Nova Scotia", []string{"Nouvelle-Écosse"}},
	{"NT", "Northwest Territories", []string{"Territoires du Nord-Ouest", "NWT"}},
	{"NU", "Nunavut", nil},
	{"ON", "Ontario", []string{"Ont"}},
	{"PE", "Prince Edward Island", []string{"Île-du-Prince-Édouard", "PEI", "P.E.I."}},
	{"QC", "Quebec", []string{"Québec", "PQ", "Que"}},
	{"SK", "Saskatchewan", []string{"Sask"}},
	{"YT", "Yukon", []string{"Yukon Territory", "YK"}},
}

// caProvincesByFirstLetter maps the first letter of a postal code (the postal district) to
// the provinces it serves (Canada Post), for the postal_code_region_mismatch check.
var caProvincesByFirstLetter = map[byte]string{
	'A': "NL", 'B': "NS", 'C': "PE", 'E': "NB", 'G': "QC", 'H': "QC", 'J': "QC",
	'K': "ON", 'L': "ON", 'M': "ON", 'N': "ON", 'P': "ON", 'R': "MB", 'S': "SK",
	'T': "AB", 'V': "BC", 'X': "NT NU", 'Y': "YT",
}

// caPostalExceptions are the forward sortation areas that cross a provincial border: K1A is
// the federal government in the National Capital Region, Ottawa and Gatineau alike; R8A is
// Flin Flon, which straddles Manitoba and Saskatchewan.
var caPostalExceptions = []postalPrefix{
	{"K1A", "ON QC"},
	{"R8A", "MB SK"},
}

func regionForPostalCA(pc string) string {
	if pc == "" {
		return ""
	}
	if r, ok := postalException(caPostalExceptions, pc); ok {
		return r
	}
	return caProvincesByFirstLetter[pc[0]]
}

// subdivisionsAU: the 6 states and 2 mainland territories (ISO 3166-2:AU, equal to Australia
// Post's abbreviations).
var subdivisionsAU = []subdivision{
	{"ACT", "Australian Capital Territory", []string{"Canberra"}},
	{"NSW", "New South Wales", nil},
	{"NT", "Northern Territory", nil},
	{"QLD", "Queensland", nil},
	{"SA", "South Australia", nil},
	{"TAS", "Tasmania", nil},
	{"VIC", "Victoria", nil},
	{"WA", "Western Australia", nil},
}

// auPostcodeExceptions are the Australia Post postcodes that do not follow the state's first
// digit, longest first: 0872 serves remote communities of NT, SA and WA; ACT is 2600–2618 and
// 29xx, and shares 2618 and 2620 (Queanbeyan) with NSW, and 2540 with Jervis Bay; NSW border
// localities use Victorian codes (3500 Paringi, 3585–3586, 3644, 3691 Lake Hume Village, 3707
// Bringenbrong) and Queensland ones around Wallangarra (438x, Jennings NSW 4383).
var auPostcodeExceptions = []postalPrefix{
	{"0872", "NT SA WA"},
	{"2540", "NSW ACT"},
	{"2618", "ACT NSW"},
	{"2619", "NSW"},
	{"2620", "ACT NSW"},
	{"3500", "VIC NSW"},
	{"3585", "VIC NSW"},
	{"3586", "VIC NSW"},
	{"3644", "VIC NSW"},
	{"3691", "VIC NSW"},
	{"3707", "VIC NSW"},
	{"260", "ACT"},
	{"261", "ACT"},
	{"29", "ACT"},
	{"438", "QLD NSW"},
}

// regionForPostalAU maps a postcode to the states that use it: by the first digit (02xx ACT,
// 08xx and 09xx NT, 1xxx and 2xxx NSW, 3xxx and 8xxx VIC, 4xxx and 9xxx QLD, 5xxx SA, 6xxx WA,
// 7xxx TAS), after the exceptions above.
func regionForPostalAU(pc string) string {
	if len(pc) != 4 {
		return ""
	}
	if r, ok := postalException(auPostcodeExceptions, pc); ok {
		return r
	}
	switch pc[0] {
	case '0':
		switch pc[1] {
		case '2':
			return "ACT"
		case '8', '9':
			return "NT"
		}
		return ""
	case '1', '2':
		return "NSW"
	case '3', '8':
		return "VIC"
	case '4', '9':
		return "QLD"
	case '5':
		return "SA"
	case '6':
		return "WA"
	case '7':
		return "TAS"
	}
	return ""
}
