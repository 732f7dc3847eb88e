package manifestdoc

import (
	"fmt"
	"io"
	"strconv"

	"lastmile/internal/csvio"
	"lastmile/internal/model"
)

// CSVHeader is the header row of the manifest's CSV file.
var CSVHeader = []string{
	"manifest_id", "carrier", "carrier_reference", "warehouse", "ship_date",
	"line", "tracking_number", "order_number", "package_id", "service", "weight_g", "cod_amount", "cod_currency",
}

// WriteCSV writes the manifest as CSV the way Excel reads it: UTF-8 with a BOM, CRLF line
// ends, the header CSVHeader, then one row per parcel with the manifest's columns repeated, so
// that rows keep their manifest when files are pasted together. Weights are grams; a COD
// amount is written in major units with its currency's decimals ("12.99", IDR "149000.00",
// VND "250000"), as lastmile's order files are. Text cells that Excel would run as a formula
// get a leading apostrophe (csvio.GuardText).
func WriteCSV(w io.Writer, s Sheet) error {
	if _, err := s.check(); err != nil {
		return err
	}
	cw, err := csvio.NewWriter(w, "manifest file", CSVHeader)
	if err != nil {
		return err
	}
	g := csvio.GuardText
	rec := make([]string, len(CSVHeader))
	for i, r := range s.Rows {
		amount, currency := "", ""
		if r.COD != nil {
			amount, currency = codAmount(*r.COD), r.COD.Currency
		}
		rec = append(rec[:0], g(s.ManifestID), g(s.Carrier), g(s.CarrierRef), g(s.Warehouse.Code), g(s.ShipDate),
			strconv.Itoa(i+1), g(r.TrackingNumber), g(r.OrderNumber), g(r.PackageID), g(r.Service),
			strconv.FormatInt(r.WeightG, 10), amount, g(currency))
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("writing manifest %s row %d: %w", s.ManifestID, i+1, err)
		}
	}
	return cw.Flush()
}

// codAmount is the amount in major units; the currency was checked.
func codAmount(m model.Money) string {
	scale, _ := model.CurrencyScale(m.Currency)
	return formatAmount(m.Amount, scale)
}
