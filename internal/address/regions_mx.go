package address

// subdivisionsMX: the 31 states and Mexico City (ISO 3166-2:MX), with the official long names
// and the abbreviations Mexicans write (Jal., N.L., Edomex, CDMX).
var subdivisionsMX = []subdivision{
	{"AGU", "Aguascalientes", []string{"Ags"}},
	{"BCN", "Baja California", []string{"BC", "Baja California Norte"}},
	{"BCS", "Baja California Sur", nil},
	{"CAM", "Campeche", []string{"Camp"}},
	{"CHP", "Chiapas", []string{"Chis"}},
	{"CHH", "Chihuahua", []string{"Chih"}},
	{"CMX", "Ciudad de México", []string{"CDMX", "Mexico City", "Distrito Federal", "DF", "México D.F."}},
	{"COA", "Coahuila", []string{"Coahuila de Zaragoza", "Coah"}},
	{"COL", "Colima", nil},
	{"DUR", "Durango", []string{"Dgo"}},
	{"GUA", "Guanajuato", []string{"Gto"}},
	{"GRO", "Guerrero", nil},
	{"HID", "Hidalgo", []string{"Hgo"}},
	{"JAL", "Jalisco", nil},
	{"MEX", "Estado de México", []string{"México", "State of Mexico", "Edomex", "Edo Mex", "Edo. de México"}},
	{"MIC", "Michoacán", []string{"Michoacán de Ocampo", "Mich"}},
	{"MOR", "Morelos", nil},
	{"NAY", "Nayarit", nil},
	{"NLE", "Nuevo León", []string{"NL"}},
	{"OAX", "Oaxaca", nil},
	{"PUE", "Puebla", nil},
	{"QUE", "Querétaro", []string{"Querétaro de Arteaga", "Qro"}},
	{"ROO", "Quintana Roo", []string{"Q. Roo", "QRoo", "Q Roo"}},
	{"SLP", "San Luis Potosí", nil},
	{"SIN", "Sinaloa", nil},
	{"SON", "Sonora", nil},
	{"TAB", "Tabasco", nil},
	{"TAM", "Tamaulipas", []string{"Tamps"}},
	{"TLA", "Tlaxcala", []string{"Tlax"}},
	{"VER", "Veracruz", []string{"Veracruz de Ignacio de la Llave", "Ver."}},
	{"YUC", "Yucatán", nil},
	{"ZAC", "Zacatecas", nil},
}

// mxStatesByPrefix maps the first two digits of a código postal to the state: Correos de
// México assigns each state its own ranges (SEPOMEX código postal catalogue).
var mxStatesByPrefix = twoDigitTable([]prefixRange{
	{1, 16, "CMX"}, {20, 20, "AGU"}, {21, 22, "BCN"}, {23, 23, "BCS"}, {24, 24, "CAM"},
	{25, 27, "COA"}, {28, 28, "COL"}, {29, 30, "CHP"}, {31, 33, "CHH"}, {34, 35, "DUR"},
	{36, 38, "GUA"}, {39, 41, "GRO"}, {42, 43, "HID"}, {44, 49, "JAL"}, {50, 57, "MEX"},
	{58, 61, "MIC"}, {62, 62, "MOR"}, {63, 63, "NAY"}, {64, 67, "NLE"}, {68, 71, "OAX"},
	{72, 75, "PUE"}, {76, 76, "QUE"}, {77, 77, "ROO"}, {78, 79, "SLP"}, {80, 82, "SIN"},
	{83, 85, "SON"}, {86, 86, "TAB"}, {87, 89, "TAM"}, {90, 90, "TLA"}, {91, 96, "VER"},
	{97, 97, "YUC"}, {98, 99, "ZAC"},
})

func regionForPostalMX(pc string) string { return byTwoDigits(&mxStatesByPrefix, pc, 5) }
