package address

import "lastmile/internal/model"

// samples are one plausible, invented, valid address per market, as a seller would paste them
// (national phone formats, postal codes without their spaces, region names), used by the
// benchmark, the fuzz seeds and the CLI tests.
var samples = map[string]model.Address{
	"US": {Name: "Emily Carter", Line1: "1450 Market St", Line2: "Apt 12B", City: "San Francisco", Region: "California", PostalCode: "94103", Country: "US", Phone: "(415) 555-0132"},
	"CA": {Name: "Liam Tremblay", Line1: "220 Rue Sainte-Catherine", City: "Montréal", Region: "Québec", PostalCode: "h2x1l7", Country: "CA", Phone: "514-555-0187"},
	"GB": {Name: "Oliver Hughes", Line1: "14 Baker Street", City: "London", PostalCode: "nw16xe", Country: "UK", Phone: "07911 123456"},
	"IE": {Name: "Aoife Byrne", Line1: "12 Harcourt Road", City: "Dublin 2", PostalCode: "d02x285", Country: "IE", Phone: "087 123 4567"},
	"DE": {Name: "Jürgen Weiß", Line1: "Friedrichstraße 120", City: "Berlin", PostalCode: "10117", Country: "DE", Phone: "0151 23456789"},
	"FR": {Name: "Élodie Moreau", Line1: "18 rue de la Paix", City: "Paris", PostalCode: "75002", Country: "FR", Phone: "06 12 34 56 78"},
	"ES": {Name: "Martín Núñez", Line1: "Calle de Alcalá 45, 3º B", City: "Madrid", PostalCode: "28014", Country: "ES", Phone: "612 345 678"},
	"IT": {Name: "Giulia Rossi", Line1: "Via del Corso 120", City: "Roma", Region: "RM", PostalCode: "00186", Country: "IT", Phone: "312 345 6789"},
	"NL": {Name: "Sanne de Vries", Line1: "Prinsengracht 263", City: "Amsterdam", PostalCode: "1016gv", Country: "NL", Phone: "06 12345678"},
	"BE": {Name: "Lucas Peeters", Line1: "Rue Neuve 35", City: "Bruxelles", PostalCode: "1000", Country: "BE", Phone: "0470 12 34 56"},
	"PL": {Name: "Zofia Wąsowska", Line1: "ul. Marszałkowska 84/92 m. 5", City: "Warszawa", PostalCode: "00514", Country: "PL", Phone: "512 345 678"},
	"SE": {Name: "Björn Lindqvist", Line1: "Drottninggatan 53", City: "Stockholm", PostalCode: "11121", Country: "SE", Phone: "070-123 45 67"},
	"JP": {Name: "Haruto Sato", Line1: "1-1-2 Marunouchi", Line2: "Chiyoda-ku", City: "Tokyo", Region: "Tokyo", PostalCode: "1000005", Country: "JP", Phone: "090-1234-5678"},
	"KR": {Name: "Kim Minjun", Line1: "123 Teheran-ro", Line2: "Gangnam-gu", City: "Seoul", PostalCode: "06133", Country: "KR", Phone: "010-1234-5678"},
	"AU": {Name: "Chloe Nguyen", Line1: "200 George St", City: "Sydney", Region: "New South Wales", PostalCode: "2000", Country: "AU", Phone: "0412 345 678"},
	"NZ": {Name: "Aroha Walker", Line1: "15 Lambton Quay", City: "Wellington", PostalCode: "6011", Country: "NZ", Phone: "021 123 4567"},
	"MX": {Name: "Sofía Hernández", Line1: "Av. Paseo de la Reforma 222", Line2: "Col. Juárez", City: "Cuauhtémoc", Region: "CDMX", PostalCode: "06600", Country: "MX", Phone: "55 1234 5678"},
	"BR": {Name: "João Silva", Line1: "Av. Paulista, 1578", Line2: "Bela Vista", City: "São Paulo", Region: "SP", PostalCode: "01310200", Country: "BR", Phone: "(11) 91234-5678"},
	"SA": {Name: "Abdullah Al-Harbi", Line1: "King Fahd Rd, Al Olaya", City: "Riyadh", PostalCode: "12214", Country: "SA", Phone: "050 123 4567"},
	"AE": {Name: "Fatima Al Mansouri", Line1: "Villa 14, Street 23, Al Wasl", City: "Dubai", Country: "AE", Phone: "050 123 4567"},
	"ID": {Name: "Budi Santoso", Line1: "Jl. Jend. Sudirman Kav. 52-53", City: "Jakarta Selatan", Region: "DKI Jakarta", PostalCode: "12190", Country: "ID", Phone: "0812-3456-7890"},
	"TH": {Name: "Somchai Jaidee", Line1: "99/9 Sukhumvit Rd, Khlong Toei", City: "Bangkok", Region: "Krung Thep Maha Nakhon", PostalCode: "10110", Country: "TH", Phone: "081 234 5678"},
	"VN": {Name: "Nguyễn Thị Hương", Line1: "12 Nguyễn Huệ, Phường Bến Nghé", City: "Quận 1", Region: "TP. Hồ Chí Minh", PostalCode: "70000", Country: "VN", Phone: "091 234 56 78"},
	"MY": {Name: "Nur Aisyah", Line1: "No. 8, Jalan Ampang", City: "Kuala Lumpur", Region: "W.P. Kuala Lumpur", PostalCode: "50450", Country: "MY", Phone: "012-345 6789"},
	"PH": {Name: "Maria Santos", Line1: "123 Ayala Ave, Bel-Air", City: "Makati", Region: "Metro Manila", PostalCode: "1226", Country: "PH", Phone: "0917 123 4567"},
	"SG": {Name: "Tan Wei Ming", Line1: "10 Anson Road #12-05", City: "Singapore", PostalCode: "079903", Country: "SG", Phone: "9123 4567"},
}

// markets is the order in which tests and the benchmark walk samples.
var markets = []string{"US", "CA", "GB", "IE", "DE", "FR", "ES", "IT", "NL", "BE", "PL", "SE", "JP", "KR",
	"AU", "NZ", "MX", "BR", "SA", "AE", "ID", "TH", "VN", "MY", "PH", "SG"}
