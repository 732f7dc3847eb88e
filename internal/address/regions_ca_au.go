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
// the provinces it serves, for the postal_code_region_mismatch check.
var caProvincesByFirstLetter = map[byte]string{
	'A': "NL", 'B': "NS", 'C': "PE", 'E': "NB", 'G': "QC", 'H': "QC", 'J': "QC",
	'K': "ON", 'L': "ON", 'M': "ON", 'N': "ON", 'P': "ON", 'R': "MB", 'S': "SK",
	'T': "AB", 'V': "BC", 'X': "NT NU", 'Y': "YT",
}

func regionForPostalCA(pc string) string {
	if pc == "" {
		return ""
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

// regionForPostalAU maps the leading digits of a postcode to the states that use them:
// 02xx ACT; 08xx/09xx NT (0872 also serves remote SA and WA communities); 1xxx and 2xxx NSW
// (2600–2618 and 2900–2920 are ACT); 3xxx and 8xxx VIC; 4xxx and 9xxx QLD; 5xxx SA; 6xxx WA;
// 7xxx TAS.
func regionForPostalAU(pc string) string {
	if len(pc) != 4 {
		return ""
	}
	switch pc[0] {
	case '0':
		switch pc[1] {
		case '2':
			return "ACT"
		case '8', '9':
			return "NT SA WA"
		}
		return ""
	case '1':
		return "NSW"
	case '2':
		return "NSW ACT"
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
