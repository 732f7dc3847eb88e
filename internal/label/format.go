package label

import (
	"fmt"
	"strconv"
	"strings"

	"lastmile/internal/model"
)

// formatWeight prints grams as kilograms with two decimals: 450 → "0.45 kg".
func formatWeight(g int64) string {
	centi := (g + 5) / 10 // hundredths of a kilogram, rounded half up
	return fmt.Sprintf("%d.%02d kg", centi/100, centi%100)
}

// formatMoney prints an amount in minor units in major units with the ISO code first, with
// thousands separated by commas: {1299 USD} → "USD 12.99", {14900000 IDR} → "IDR 149,000.00".
func formatMoney(m model.Money) (string, error) {
	code := strings.ToUpper(strings.TrimSpace(m.Currency))
	scale, ok := model.CurrencyScale(code)
	if !ok {
		return "", fmt.Errorf("currency %q is not an ISO 4217 code, e.g. USD, GBP, IDR", m.Currency)
	}
	v := m.Amount
	neg := v < 0
	if neg {
		v = -v
	}
	pow := int64(1)
	for range scale {
		pow *= 10
	}
	major := groupThousands(strconv.FormatUint(uint64(v)/uint64(pow), 10))
	s := code + " "
	if neg {
		s += "-"
	}
	s += major
	if scale > 0 {
		s += fmt.Sprintf(".%0*d", scale, uint64(v)%uint64(pow))
	}
	return s, nil
}

func groupThousands(digits string) string {
	if len(digits) <= 3 {
		return digits
	}
	var b strings.Builder
	head := len(digits) % 3
	if head > 0 {
		b.WriteString(digits[:head])
	}
	for i := head; i < len(digits); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}

// countryNames are the English names printed in capitals on the last address line (UPU
// practice) for the markets (R-MKT-1) and the usual origins; another country is printed as
// its ISO code.
var countryNames = map[string]string{
	"US": "UNITED STATES", "GB": "UNITED KINGDOM", "DE": "GERMANY", "FR": "FRANCE", "ES": "SPAIN",
	"IT": "ITALY", "IE": "IRELAND", "NL": "NETHERLANDS", "BE": "BELGIUM", "AT": "AUSTRIA",
	"PL": "POLAND", "SE": "SWEDEN", "DK": "DENMARK", "FI": "FINLAND", "PT": "PORTUGAL",
	"CZ": "CZECHIA", "CH": "SWITZERLAND", "NO": "NORWAY", "LU": "LUXEMBOURG", "CA": "CANADA",
	"MX": "MEXICO", "BR": "BRAZIL", "AU": "AUSTRALIA", "NZ": "NEW ZEALAND", "JP": "JAPAN",
	"KR": "SOUTH KOREA", "CN": "CHINA", "HK": "HONG KONG", "TW": "TAIWAN", "SG": "SINGAPORE",
	"MY": "MALAYSIA", "TH": "THAILAND", "VN": "VIET NAM", "ID": "INDONESIA", "PH": "PHILIPPINES",
	"SA": "SAUDI ARABIA", "AE": "UNITED ARAB EMIRATES", "TR": "TURKIYE", "IN": "INDIA",
}

func countryName(code string) string {
	if n, ok := countryNames[code]; ok {
		return n
	}
	return code
}

// postalFirst are the countries that write the postal code before the city ("10115 Berlin").
var postalFirst = map[string]bool{
	"DE": true, "FR": true, "ES": true, "IT": true, "NL": true, "BE": true, "AT": true, "CH": true,
	"DK": true, "NO": true, "SE": true, "FI": true, "PL": true, "PT": true, "CZ": true, "SK": true,
	"LU": true, "HU": true, "GR": true, "RO": true, "MX": true, "BR": true, "MY": true, "TR": true,
	"IL": true, "RU": true,
}

// cityLines writes city, region and postal code the way the destination's post reads them
// (R-LBL-4): "Mountain View, CA 94043" (US and the default), "10115 Berlin" (most of Europe,
// with the region after it where there is one), the post town and the postcode on lines of
// their own (GB, IE), "SINGAPORE 018956".
func cityLines(country, city, region, postal string) []string {
	join := func(parts ...string) string {
		var out []string
		for _, p := range parts {
			if p != "" {
				out = append(out, p)
			}
		}
		return strings.Join(out, " ")
	}
	switch {
	case country == "GB" || country == "IE":
		return nonEmpty(strings.ToUpper(city), region, postal)
	case country == "SG":
		if city == "" {
			city = "SINGAPORE"
		}
		return nonEmpty(join(strings.ToUpper(city), postal))
	case postalFirst[country]:
		line := join(postal, city)
		if region != "" {
			line += ", " + region
		}
		return nonEmpty(line)
	}
	line := city
	if tail := join(region, postal); tail != "" {
		if line != "" {
			line += ", "
		}
		line += tail
	}
	return nonEmpty(line)
}

func nonEmpty(lines ...string) []string {
	out := lines[:0]
	for _, l := range lines {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}
