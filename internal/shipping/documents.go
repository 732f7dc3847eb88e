package shipping

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"lastmile/internal/carrier"
	"lastmile/internal/label"
	"lastmile/internal/label/stream"
	"lastmile/internal/model"
	"lastmile/internal/shipping/manifestdoc"
)

// labelSink is a merged document of labels: stream.PDF or stream.ZPL.
type labelSink interface {
	AddLabel(*label.Prepared) error
	AddPNG([]byte) error
	AddNote([]string) error
	Close() error
}

// zplSink adds a carrier's own ZPL document as it is.
type zplSink struct{ *stream.ZPL }

// WriteBatchLabels writes every label a batch bought, in the batch's order, as one PDF or ZPL
// document, page by page as they are read, in memory independent of the batch's size. Labels
// lastmile renders come out as they print alone; a carrier's raster label (PNG) is embedded; a
// carrier's own PDF cannot be merged and gets a page saying where to download it.
func (s *Service) WriteBatchLabels(ctx context.Context, scope model.Scope, batchID, format string, dpi int, w io.Writer) error {
	if _, err := s.d.Shipping.GetBatch(ctx, scope.ShopIDs, batchID); err != nil {
		return err
	}
	var sink labelSink
	var zs *stream.ZPL
	switch format {
	case formatZPL:
		zs = stream.NewZPL(w)
		sink = zplSink{zs}
	case formatPDF:
		sink = stream.NewPDF(w, label.Size4x6)
	default:
		return &model.ValidationError{Problems: []model.FieldError{{Code: "format_unsupported", Field: "format",
			Message: "a batch's labels download as pdf or zpl"}}}
	}
	pages := 0
	after := -1
	for {
		items, err := s.d.Shipping.ListBatchItems(ctx, batchID, after, 0)
		if err != nil {
			return err
		}
		for _, it := range items {
			after = it.Seq
			if it.Outcome != model.ItemShipped {
				continue
			}
			for _, id := range it.ShipmentIDs {
				if err := ctx.Err(); err != nil {
					return err
				}
				n, err := s.addLabel(ctx, scope, sink, zs, id, dpi)
				if err != nil {
					return fmt.Errorf("batch %s, shipment %s: %w", batchID, id, err)
				}
				pages += n
			}
		}
		if len(items) == 0 {
			break
		}
	}
	if pages == 0 {
		if err := sink.AddNote([]string{"Batch " + batchID, "has no labels yet.", "Wait until it is done, then download again."}); err != nil {
			return err
		}
	}
	return sink.Close()
}

// addLabel adds one shipment's label to the merged document; it returns how many pages it added.
func (s *Service) addLabel(ctx context.Context, scope model.Scope, sink labelSink, zs *stream.ZPL, shipmentID string, dpi int) (int, error) {
	sh, err := s.d.Shipping.GetShipment(ctx, scope.ShopIDs, shipmentID)
	if err != nil {
		return 0, err
	}
	if !sh.Status.Labelled() {
		return 0, nil // voided since the batch: its label is void, not printed
	}
	format := sh.LabelFormat
	doc, err := s.d.Shipping.GetLabelDocument(ctx, scope.ShopIDs, sh.ID, format, 0)
	if err != nil {
		return 0, err
	}
	switch format {
	case formatData:
		var data labelData
		if err := json.Unmarshal(doc.Content, &data); err != nil {
			return 0, fmt.Errorf("label data: %w", err)
		}
		p, err := label.Prepare(data.Label, label.Options{DPI: dpi})
		if err != nil {
			return 0, err
		}
		return 1, sink.AddLabel(p)
	case formatPNG:
		return 1, sink.AddPNG(doc.Content)
	case formatZPL:
		if zs != nil {
			return 1, zs.AddZPL(doc.Content)
		}
	}
	return 1, sink.AddNote([]string{
		"Shipment " + sh.ID, "tracking " + sh.TrackingNumber,
		"The carrier's own " + format + " label cannot be merged.",
		"Print it from GET /v1/shipments/" + sh.ID + "/label",
	})
}

// WriteManifest writes a manifest's scan form (format pdf: R-SHIP-5, the sheet the driver
// signs) or its rows (format csv).
func (s *Service) WriteManifest(ctx context.Context, scope model.Scope, id, format string, w io.Writer) error {
	m, err := s.d.Shipping.GetManifest(ctx, scope.ShopIDs, id)
	if err != nil {
		return err
	}
	wh, err := s.d.Store.GetWarehouse(ctx, scope.ShopIDs, m.WarehouseID)
	if err != nil {
		return fmt.Errorf("manifest %s: warehouse %s: %w", m.ID, m.WarehouseID, err)
	}
	loc, err := time.LoadLocation(wh.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	sheet := manifestdoc.Sheet{ManifestID: m.ID, Carrier: m.Carrier, CarrierName: m.Carrier, CarrierRef: m.CarrierRef,
		Warehouse: manifestdoc.Warehouse{Code: wh.Code, Name: wh.Name, Address: senderOf(&wh)},
		ShipDate:  m.ShipDate, CreatedAt: m.CreatedAt.In(loc), Pickup: m.Pickup}
	if c, ok := s.d.Carriers.Get(m.Carrier); ok {
		sheet.CarrierName = c.Name()
	}
	if wh.Address.Country == "US" {
		sheet.Paper = manifestdoc.Letter
	}
	orders := map[string]model.Order{}
	for _, sid := range m.ShipmentIDs {
		sh, err := s.d.Shipping.GetShipment(ctx, scope.ShopIDs, sid)
		if err != nil {
			return err
		}
		pkg, err := s.d.Shipping.GetPackage(ctx, scope.ShopIDs, sh.PackageID)
		if err != nil {
			return err
		}
		o, ok := orders[sh.OrderID]
		if !ok {
			if o, err = s.d.Store.GetOrder(ctx, scope.ShopIDs, sh.OrderID); err != nil {
				return err
			}
			orders[sh.OrderID] = o
		}
		row := manifestdoc.Row{TrackingNumber: sh.TrackingNumber, OrderNumber: o.ExternalID, PackageID: pkg.ID,
			Service: sh.Service, WeightG: pkg.WeightG}
		row.COD = pkg.COD
		sheet.Rows = append(sheet.Rows, row)
	}
	if format == "csv" {
		return manifestdoc.WriteCSV(w, sheet)
	}
	return manifestdoc.WritePDF(w, sheet)
}

// preferredFormat is the format asked of a carrier that issues its own documents: PNG, which
// merges into both PDF and ZPL batch downloads.
func preferredFormat(svc carrier.Service) carrier.Format {
	for _, f := range svc.LabelFormats {
		if f == carrier.FormatPNG {
			return f
		}
	}
	return ""
}
