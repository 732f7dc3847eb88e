package shipping

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"lastmile/internal/carrier"
	"lastmile/internal/label"
	"lastmile/internal/label/render"
	"lastmile/internal/model"
)

// Label document formats. A carrier's own document keeps its format (pdf, png, zpl); "data" is
// the label data a carrier returned instead, from which lastmile renders its own labels.
const (
	formatData = "data"
	formatZPL  = "zpl"
	formatPDF  = "pdf"
	formatPNG  = "png"
)

// labelRef is what a shipment's label prints besides what the carrier says: the order, the
// package and "n of m", the warehouse that sends it.
type labelRef struct {
	order        *model.Order
	pkg          *model.Package
	wh           *model.Warehouse
	index, count int
}

// labelData is the stored form of a carrier's label data: enough to render the label again
// in any format and resolution, the same every time (R-LBL-6).
type labelData struct {
	Label label.Label `json:"label"`
}

// labelOf is lastmile's label for a package (R-LBL-3): the buyer's and the sender's addresses
// in Latin script (R-LBL-4), the order number, "n of m", weight, COD (R-MKT-2), battery mark and
// customs (R-SHIP-6), and for GB/DE/FR the anti-counterfeit QR (R-LBL-5).
func labelOf(ref labelRef, tracking string, d *carrier.LabelData, numbers string) label.Label {
	o := ref.order
	to := o.ShippingAddress
	if to.Phone == "" {
		to.Phone = o.Buyer.Phone
	}
	l := label.Label{
		TrackingNumber: tracking, Carrier: numbers, OrderExternalID: o.ExternalID,
		PackageIndex: ref.index, PackageCount: ref.count, WeightG: ref.pkg.WeightG,
		From: senderOf(ref.wh), To: to,
	}
	if d != nil {
		l.Service, l.SortCode = d.ServiceName, d.SortCode
	}
	var declared []string
	var value int64
	for _, pl := range packageLines(o, allocationOf(ref.pkg)) {
		l.HasBattery = l.HasBattery || pl.HasBattery
		if pl.DeclaredName != "" && !containsFold(declared, pl.DeclaredName) {
			declared = append(declared, pl.DeclaredName)
		}
		value += pl.UnitPrice.Amount * pl.Quantity
	}
	if ref.pkg.COD != nil {
		cod := *ref.pkg.COD // R-MKT-2
		l.COD = &cod
	}
	if l.From.Country != "" && l.From.Country != to.Country {
		l.Customs = &label.Customs{Contents: strings.Join(declared, ", "), Value: model.Money{Amount: value, Currency: o.Currency}}
	}
	// R-LBL-5: the platform's anti-counterfeit QR. Orders from a connected marketplace carry
	// its content; otherwise the package id identifies the parcel.
	qr := "LM:" + ref.pkg.ID
	l.AntiCounterfeitQR = &qr
	return l
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// precheck refuses, before any label is bought, a package whose label could not be printed:
// an address, name or customs field the label needs (R-LBL-3, R-LBL-4, R-SHIP-6). The tracking
// number and carrier are not known yet and are not checked here.
func precheck(ref labelRef) *model.FieldError {
	l := labelOf(ref, "", &carrier.LabelData{ServiceName: "-"}, "")
	l.TrackingNumber, l.Carrier = "PRECHECK0000", "precheck"
	_, err := label.Prepare(l, label.Options{})
	if err == nil {
		return nil
	}
	var ve *model.ValidationError
	if !errors.As(err, &ve) {
		return &model.FieldError{Code: RefusedLabel, Message: err.Error()}
	}
	for _, p := range ve.Problems {
		if p.Field == "tracking_number" || p.Field == "carrier" {
			continue
		}
		return &model.FieldError{Code: RefusedLabel, Field: labelField(p.Field),
			Message: fmt.Sprintf("the label could not be printed: %s; fix it before shipping (no label was bought)", p.Message)}
	}
	return nil
}

// labelField maps a label field to the order or warehouse field it comes from.
func labelField(f string) string {
	switch {
	case strings.HasPrefix(f, "to."):
		return "shipping_address." + strings.TrimPrefix(f, "to.")
	case strings.HasPrefix(f, "from."):
		return "warehouse.ship_from." + strings.TrimPrefix(f, "from.")
	case strings.HasPrefix(f, "customs."):
		return "lines.declared_name"
	}
	return f
}

func labelDataOf(d *carrier.LabelData, numbers string) *labelData {
	return &labelData{Label: label.Label{Carrier: numbers, Service: d.ServiceName, SortCode: d.SortCode}}
}

// renderDocument renders lastmile's label of a shipment in one format and resolution.
func renderDocument(ref labelRef, shipmentID, tracking string, data *labelData, format string, dpi int, now time.Time) (model.LabelDocument, *model.FieldError) {
	l := labelOf(ref, tracking, &carrier.LabelData{ServiceName: data.Label.Service, SortCode: data.Label.SortCode}, data.Label.Carrier)
	data.Label = l
	return renderLabel(shipmentID, l, format, dpi, now)
}

// renderLabel renders l; a label that cannot be printed is a field error.
func renderLabel(shipmentID string, l label.Label, format string, dpi int, now time.Time) (model.LabelDocument, *model.FieldError) {
	f, err := render.ParseFormat(format)
	if err != nil {
		return model.LabelDocument{}, &model.FieldError{Code: "format_unsupported", Field: "format", Message: err.Error()}
	}
	p, err := label.Prepare(l, label.Options{DPI: dpi})
	if err != nil {
		return model.LabelDocument{}, &model.FieldError{Code: RefusedLabel, Field: "label",
			Message: fmt.Sprintf("lastmile could not render the label: %v", err)}
	}
	var buf bytes.Buffer
	if err := render.Write(context.Background(), &buf, []*label.Prepared{p}, f); err != nil {
		return model.LabelDocument{}, &model.FieldError{Code: RefusedLabel, Field: "label", Message: err.Error()}
	}
	return model.LabelDocument{ShipmentID: shipmentID, Format: format, DPI: dpi, ContentType: f.ContentType(),
		Content: buf.Bytes(), CreatedAt: now}, nil
}

// dataDocument stores the label's data, from which every later rendering is made.
func dataDocument(shipmentID string, d *labelData, now time.Time) model.LabelDocument {
	b, _ := json.Marshal(d) // a label.Label always encodes
	return model.LabelDocument{ShipmentID: shipmentID, Format: formatData, ContentType: "application/json", Content: b, CreatedAt: now}
}

func contentType(format string) string {
	switch format {
	case formatPDF:
		return "application/pdf"
	case formatPNG:
		return "image/png"
	case formatZPL:
		return "application/zpl"
	}
	return "application/octet-stream"
}

// Label returns a shipment's label in format at dpi (R-LBL-6: a reprint is the same label, the
// same bytes). A carrier's own document is returned as it came (R-SHIP-2), whatever format is
// asked for when it exists in one format only; lastmile's rendering of carrier data is made the
// first time a format and resolution is asked for, stored, and returned as stored ever after.
func (s *Service) Label(ctx context.Context, scope model.Scope, shipmentID, format string, dpi int) (model.LabelDocument, error) {
	sh, err := s.d.Shipping.GetShipment(ctx, scope.ShopIDs, shipmentID)
	if err != nil {
		return model.LabelDocument{}, err
	}
	if !sh.Status.Labelled() && sh.Status != model.ShipmentVoided {
		return model.LabelDocument{}, refuse(sh.OrderID, "no_label", "status", true,
			"shipment %s is %s: it has no label%s", sh.ID, sh.Status, failureText(sh.Failure))
	}
	if format == "" {
		format = formatPDF
	}
	if dpi == 0 {
		dpi = label.DPI203
	}
	if sh.LabelFormat != formatData {
		// The carrier's (or the platform's) own document, as it came.
		return s.d.Shipping.GetLabelDocument(ctx, scope.ShopIDs, sh.ID, sh.LabelFormat, 0)
	}
	if d, err := s.d.Shipping.GetLabelDocument(ctx, scope.ShopIDs, sh.ID, format, dpi); err == nil {
		return d, nil
	} else if !errors.Is(err, model.ErrNotFound) {
		return model.LabelDocument{}, err
	}
	raw, err := s.d.Shipping.GetLabelDocument(ctx, scope.ShopIDs, sh.ID, formatData, 0)
	if err != nil {
		return model.LabelDocument{}, fmt.Errorf("label data of shipment %s: %w", sh.ID, err)
	}
	var data labelData
	if err := json.Unmarshal(raw.Content, &data); err != nil {
		return model.LabelDocument{}, fmt.Errorf("label data of shipment %s: %w", sh.ID, err)
	}
	doc, fe := renderLabel(sh.ID, data.Label, format, dpi, s.clock())
	if fe != nil {
		return model.LabelDocument{}, &model.ValidationError{Problems: []model.FieldError{*fe}}
	}
	return s.d.Shipping.PutLabelDocument(ctx, doc)
}

func failureText(f *model.FieldError) string {
	if f == nil {
		return ""
	}
	return ": " + f.Message
}
