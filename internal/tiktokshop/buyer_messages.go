package tiktokshop

import (
	"context"
	"fmt"

	"lastmile/internal/marketplace/tiktok"
	"lastmile/internal/returns"
)

// SendBuyerMessage sends text to the buyer of the TikTok order orderNumber of the lastmile shop
// shopID through TikTok Shop's Customer Service API (tiktok.ShopClient.SendBuyerMessage): the
// marketplace channel of buyer messages (notify.BuyerMessenger, R-MKT-3). The notify package
// schedules it outside the buyer's quiet hours and logs it; a shop without a connected TikTok
// connection, an order TikTok does not know or a refused message fail the message for good
// (logged), a failure of the platform is retried.
func (s *Service) SendBuyerMessage(ctx context.Context, shopID, orderNumber, text string) error {
	sc, err := s.returnShop(ctx, returns.PlatformRef{ShopID: shopID})
	if err != nil {
		return err
	}
	err = sc.SendBuyerMessage(ctx, orderNumber, text)
	switch tiktok.KindOf(err) {
	case tiktok.Refuse, tiktok.Reauth:
		return permanent{fmt.Errorf("tiktok buyer message for order %s of shop %s: %w", orderNumber, shopID, err)}
	}
	if err != nil {
		return fmt.Errorf("tiktok buyer message for order %s of shop %s: %w", orderNumber, shopID, err)
	}
	return nil
}
