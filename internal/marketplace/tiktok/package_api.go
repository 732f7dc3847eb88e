package tiktok

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// MaxPackagePageSize is the largest page of packages/search.
const MaxPackagePageSize = 50

// maxDocumentBytes bounds a downloaded shipping document.
const maxDocumentBytes = 20 << 20

// ShipRequest ships one package. Under platform logistics give HandoverMethod (PICKUP or
// DROP_OFF, with PickupSlot for a pickup); under seller shipping give SelfShipment.
type ShipRequest struct {
	HandoverMethod string        `json:"handover_method,omitempty"`
	PickupSlot     *Slot         `json:"pickup_slot,omitempty"`
	SelfShipment   *SelfShipment `json:"self_shipment,omitempty"`
}

// Slot is a pickup window, Unix seconds.
type Slot struct {
	StartTime int64 `json:"start_time"`
	EndTime   int64 `json:"end_time"`
}

// SelfShipment is a seller-shipped package's carrier and tracking number.
type SelfShipment struct {
	ShippingProviderID string `json:"shipping_provider_id"`
	TrackingNumber     string `json:"tracking_number"`
}

// ValidTrackingNumber reports whether the platform keeps tracking number n: 1 to 64 ASCII
// letters, digits and hyphens. A number with spaces, full-width or Chinese brackets or any other
// character is accepted by the ship call and then silently dropped, leaving the order in
// AWAITING_SHIPMENT (R-SHIP-4); normalise numbers (trackno.Normalize) before they get here.
func ValidTrackingNumber(n string) bool {
	if n == "" || len(n) > 64 {
		return false
	}
	for i := 0; i < len(n); i++ {
		c := n[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '-') {
			return false
		}
	}
	return true
}

// check refuses a ship request the platform would refuse or silently drop.
func (r ShipRequest) check(op, field string) error {
	switch {
	case r.SelfShipment == nil && r.HandoverMethod == "":
		return refusal(op, field, "give handover_method (platform logistics) or self_shipment (seller shipping)")
	case r.SelfShipment != nil && r.HandoverMethod != "":
		return refusal(op, field, "give handover_method or self_shipment, not both")
	case r.HandoverMethod != "" && r.HandoverMethod != HandoverPickup && r.HandoverMethod != HandoverDropOff:
		return refusal(op, field+"handover_method", fmt.Sprintf("handover method %q: want PICKUP or DROP_OFF", r.HandoverMethod))
	case r.SelfShipment != nil && r.SelfShipment.ShippingProviderID == "":
		return refusal(op, field+"self_shipment.shipping_provider_id", "the shipping provider id is required (ShippingProviders lists them)")
	case r.SelfShipment != nil && !ValidTrackingNumber(r.SelfShipment.TrackingNumber):
		return refusal(op, field+"self_shipment.tracking_number", fmt.Sprintf(
			"tracking number %q has characters the platform silently drops (R-SHIP-4): only letters, digits and hyphens, 1 to 64", r.SelfShipment.TrackingNumber))
	}
	return nil
}

func checkID(op, field, id string) error {
	if id == "" || strings.ContainsAny(id, "/?#%") {
		return refusal(op, field, fmt.Sprintf("id %q: want the platform's id", id))
	}
	return nil
}

// ShipPackage ships one package (POST /fulfillment/202309/packages/{id}/ship). It refuses,
// without sending, a tracking number the platform would silently drop (R-SHIP-4). Not repeated
// after a Retry failure: the caller's job retries, and a package already shipped is answered so.
func (s *ShopClient) ShipPackage(ctx context.Context, packageID string, r ShipRequest) error {
	const op = "ship package"
	if err := checkID(op, "package_id", packageID); err != nil {
		return err
	}
	if err := r.check(op, ""); err != nil {
		return err
	}
	_, err := s.call(ctx, Request{Op: op, Method: "POST", Path: "/fulfillment/202309/packages/" + packageID + "/ship", Body: r}, nil)
	return err
}

// BatchShipItem is one package of a batch ship.
type BatchShipItem struct {
	ID string `json:"id"`
	ShipRequest
}

// BatchError is one package the platform failed to ship in a batch.
type BatchError struct {
	PackageID string
	Code      int
	Message   string
}

// ShipPackages ships many packages in one call (POST /fulfillment/202309/packages/ship). The
// platform answers code 0 and lists the packages it failed in data.errors[]: those come back as
// BatchErrors (the others shipped). The whole batch is refused, unsent, when one item is bad.
func (s *ShopClient) ShipPackages(ctx context.Context, items []BatchShipItem) ([]BatchError, error) {
	const op = "ship packages"
	if len(items) == 0 {
		return nil, refusal(op, "packages", "give at least one package")
	}
	for i, it := range items {
		f := fmt.Sprintf("packages[%d].", i)
		if err := checkID(op, f+"id", it.ID); err != nil {
			return nil, err
		}
		if err := it.check(op, f); err != nil {
			return nil, err
		}
	}
	var out struct {
		Errors []struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
			Detail  struct {
				PackageID string `json:"package_id"`
			} `json:"detail"`
		} `json:"errors"`
	}
	_, err := s.call(ctx, Request{Op: op, Method: "POST", Path: "/fulfillment/202309/packages/ship",
		Body: map[string]any{"packages": items}}, &out)
	if err != nil {
		return nil, err
	}
	errs := make([]BatchError, 0, len(out.Errors))
	for _, e := range out.Errors {
		errs = append(errs, BatchError{PackageID: e.Detail.PackageID, Code: e.Code, Message: e.Message})
	}
	return errs, nil
}

// UpdateShippingInfo replaces a seller-shipped package's tracking number and carrier
// (POST /fulfillment/202309/packages/{id}/shipping_info/update; within 72 h of shipping).
func (s *ShopClient) UpdateShippingInfo(ctx context.Context, packageID string, sh SelfShipment) error {
	const op = "update shipping info"
	if err := checkID(op, "package_id", packageID); err != nil {
		return err
	}
	if err := (ShipRequest{SelfShipment: &sh}).check(op, ""); err != nil {
		return err
	}
	_, err := s.call(ctx, Request{Op: op, Method: "POST", Path: "/fulfillment/202309/packages/" + packageID + "/shipping_info/update",
		Body: sh, Repeatable: true}, nil)
	return err
}

// Document is a shipping document: a URL valid for 24 h, and the package's tracking number.
type Document struct {
	DocURL         string `json:"doc_url"`
	TrackingNumber string `json:"tracking_number"`
}

// DocumentRequest chooses the document; zero fields are SHIPPING_LABEL, A6, PDF.
type DocumentRequest struct {
	DocumentType, DocumentSize, DocumentFormat string
}

// ShippingDocument gets a platform-logistics package's document after it shipped
// (GET /fulfillment/202309/packages/{id}/shipping_documents): by default its A6 PDF label
// (R-MODE-2). Fetch the file with Download before DocURL expires.
func (s *ShopClient) ShippingDocument(ctx context.Context, packageID string, r DocumentRequest) (Document, error) {
	const op = "shipping document"
	if err := checkID(op, "package_id", packageID); err != nil {
		return Document{}, err
	}
	q := url.Values{
		"document_type":   {cmp.Or(r.DocumentType, DocumentShippingLabel)},
		"document_size":   {cmp.Or(r.DocumentSize, DocumentSizeA6)},
		"document_format": {cmp.Or(r.DocumentFormat, DocumentFormatPDF)},
	}
	var out Document
	_, err := s.call(ctx, Request{Op: op, Method: "GET", Path: "/fulfillment/202309/packages/" + packageID + "/shipping_documents",
		Query: q, Repeatable: true}, &out)
	if err == nil && out.DocURL == "" {
		err = &Error{Kind: Refuse, Op: op, Message: "the answer has no doc_url"}
	}
	return out, err
}

// Download fetches a document at a doc_url (unsigned: the URL carries its own credential). It
// refuses anything but a 200 answer and files over 20 MB.
func (c *Client) Download(ctx context.Context, docURL string) ([]byte, error) {
	const op = "download document"
	u, err := url.Parse(docURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, refusal(op, "doc_url", fmt.Sprintf("doc_url %q is not an http(s) URL", docURL))
	}
	actx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, "GET", docURL, nil)
	if err != nil {
		return nil, refusal(op, "doc_url", err.Error())
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &Error{Kind: Retry, Op: op, Message: "no answer", Err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxDocumentBytes+1))
	switch {
	case err != nil:
		return nil, &Error{Kind: Retry, Op: op, HTTPStatus: resp.StatusCode, Message: "reading the document", Err: err}
	case resp.StatusCode != http.StatusOK:
		return nil, &Error{Kind: ClassifyCode(0, resp.StatusCode), Op: op, HTTPStatus: resp.StatusCode,
			Message: fmt.Sprintf("the document was not served (expired after 24 h? fetch a new doc_url): %s", snippet(b))}
	case len(b) > maxDocumentBytes:
		return nil, &Error{Kind: Refuse, Op: op, HTTPStatus: resp.StatusCode, Message: "the document is larger than 20 MB"}
	}
	return b, nil
}

// Package is a package as GET /fulfillment/202309/packages/{id} and packages/search describe it.
type Package struct {
	ID                   string     `json:"id"`
	PackageStatus        string     `json:"package_status"`
	ShippingType         string     `json:"shipping_type"`
	HandoverMethod       string     `json:"handover_method"`
	TrackingNumber       string     `json:"tracking_number"`
	ShippingProviderID   string     `json:"shipping_provider_id"`
	ShippingProviderName string     `json:"shipping_provider_name"`
	OrderID              string     `json:"order_id"`
	Orders               []OrderRef `json:"orders"`
	OrderLineItemIDs     []string   `json:"order_line_item_ids"`
	CreateTime           int64      `json:"create_time"`
	UpdateTime           int64      `json:"update_time"`
}

// OrderRef names an order of a package.
type OrderRef struct {
	ID string `json:"id"`
}

// GetPackage returns one package.
func (s *ShopClient) GetPackage(ctx context.Context, packageID string) (Package, error) {
	const op = "get package"
	if err := checkID(op, "package_id", packageID); err != nil {
		return Package{}, err
	}
	var out Package
	_, err := s.call(ctx, Request{Op: op, Method: "GET", Path: "/fulfillment/202309/packages/" + packageID, Repeatable: true}, &out)
	return out, err
}

// PackageQuery filters packages/search; times are Unix seconds.
type PackageQuery struct {
	PackageStatus string `json:"package_status,omitempty"`
	CreateTimeGE  int64  `json:"create_time_ge,omitempty"`
	CreateTimeLT  int64  `json:"create_time_lt,omitempty"`
	UpdateTimeGE  int64  `json:"update_time_ge,omitempty"`
	UpdateTimeLT  int64  `json:"update_time_lt,omitempty"`
}

// PackagePage is one page of packages/search.
type PackagePage struct {
	Packages      []Package `json:"packages"`
	NextPageToken string    `json:"next_page_token"`
	TotalCount    int       `json:"total_count"`
}

// SearchPackages returns one page of the shop's packages (POST
// /fulfillment/202309/packages/search; page size 1 to 50).
func (s *ShopClient) SearchPackages(ctx context.Context, q PackageQuery, p Page) (PackagePage, error) {
	const op = "search packages"
	qv, err := p.query(op, MaxPackagePageSize)
	if err != nil {
		return PackagePage{}, err
	}
	var out PackagePage
	_, err = s.call(ctx, Request{Op: op, Method: "POST", Path: "/fulfillment/202309/packages/search", Query: qv, Body: q, Repeatable: true}, &out)
	return out, err
}

// ShippingProvider is a carrier a seller-shipped package may name.
type ShippingProvider struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// ShippingProviders lists the carriers of a delivery option (GET
// /logistics/202309/delivery_options/{id}/shipping_providers); an order names its delivery
// option in delivery_option_id.
func (s *ShopClient) ShippingProviders(ctx context.Context, deliveryOptionID string) ([]ShippingProvider, error) {
	const op = "shipping providers"
	if err := checkID(op, "delivery_option_id", deliveryOptionID); err != nil {
		return nil, err
	}
	var out struct {
		ShippingProviders []ShippingProvider `json:"shipping_providers"`
	}
	_, err := s.call(ctx, Request{Op: op, Method: "GET", Path: "/logistics/202309/delivery_options/" + deliveryOptionID + "/shipping_providers", Repeatable: true}, &out)
	return out.ShippingProviders, err
}
