package tiktokshop

import (
	"context"
	"fmt"
	"slices"

	"lastmile/internal/carrier"
	"lastmile/internal/marketplace/tiktok"
	"lastmile/internal/model"
	"lastmile/internal/shipping"
)

// PlatformCarrier is the carrier name of a label the platform issued (R-MODE-2).
const PlatformCarrier = "tiktok"

var _ shipping.LabelSource = (*Service)(nil)

// PlatformLabel implements shipping.LabelSource for a shop under platform logistics (R-MODE-2):
// it ships the order's package through the platform with the drop-off handover method, then
// fetches the package's shipping document, an A6 PDF, as the label, with the platform's
// tracking number. A package that shipped already is not shipped again, so a retry (same key)
// gets the same label.
func (s *Service) PlatformLabel(ctx context.Context, key string, o model.Order, pkg model.Package) (shipping.PlatformLabel, error) {
	conns, err := s.d.Store.ListConnections(ctx, []string{o.ShopID})
	if err != nil {
		return shipping.PlatformLabel{}, err
	}
	i := slices.IndexFunc(conns, func(c model.Connection) bool {
		return c.Platform == model.PlatformTikTok && c.Status == model.ConnectionConnected
	})
	if i < 0 {
		return shipping.PlatformLabel{}, fmt.Errorf("shop %s has no connected TikTok shop to issue platform labels (R-MODE-2): connect it (POST /v1/connections/tiktok) or ship seller-side: %w",
			o.ShopID, model.ErrConflict)
	}
	sc, err := s.shopClient(conns[i])
	if err != nil {
		return shipping.PlatformLabel{}, err
	}
	orders, err := sc.GetOrders(ctx, []string{o.ExternalID})
	if err != nil {
		return shipping.PlatformLabel{}, err
	}
	if len(orders) == 0 || len(orders[0].Packages) == 0 {
		return shipping.PlatformLabel{}, fmt.Errorf("TikTok has no package for order %s: %w", o.ExternalID, model.ErrNotFound)
	}
	p := orders[0]
	pkgID := p.Packages[0].ID
	if p.TrackingNumber == "" {
		if err := sc.ShipPackage(ctx, pkgID, tiktok.ShipRequest{HandoverMethod: tiktok.HandoverDropOff}); err != nil {
			return shipping.PlatformLabel{}, fmt.Errorf("ship package %s through TikTok: %w", pkgID, err)
		}
	}
	doc, err := sc.ShippingDocument(ctx, pkgID, tiktok.DocumentRequest{})
	if err != nil {
		return shipping.PlatformLabel{}, fmt.Errorf("shipping document of package %s: %w", pkgID, err)
	}
	pdf, err := s.d.Client.Download(ctx, doc.DocURL)
	if err != nil {
		return shipping.PlatformLabel{}, fmt.Errorf("download the label of package %s: %w", pkgID, err)
	}
	s.d.Log.Info("tiktok platform label issued", "order", o.ID, "tiktok_order", o.ExternalID, "package", pkgID, "tracking_number", doc.TrackingNumber, "key", key)
	return shipping.PlatformLabel{Carrier: PlatformCarrier, Service: "platform " + tiktok.HandoverDropOff, TrackingNumber: doc.TrackingNumber,
		Document: carrier.Document{Format: carrier.FormatPDF, Content: pdf}}, nil
}
