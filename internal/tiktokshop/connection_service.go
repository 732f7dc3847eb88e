package tiktokshop

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"lastmile/internal/ident"
	"lastmile/internal/marketplace/tiktok"
	"lastmile/internal/model"
	"lastmile/internal/store"
)

// ConnectRequest connects one TikTok shop to one lastmile shop.
type ConnectRequest struct {
	// AuthCode is the authorisation code the platform sent to the app's redirect URL after the
	// seller's consent (the simulator issues one at POST /sim/authorize).
	AuthCode string `json:"auth_code"`
	// ShopID is lastmile's shop the platform shop's orders go to.
	ShopID string `json:"shop_id"`
	// TikTokShopID is the platform's shop id, when the seller authorised several; empty picks
	// the authorised shop of the lastmile shop's market, or the only one.
	TikTokShopID string `json:"tiktok_shop_id,omitempty"`
}

// Connect exchanges the authorisation code for the seller's tokens, finds the shop's cipher
// (GET /authorization/202309/shops), stores the connection with its tokens sealed and enqueues
// its first pull, which subscribes the shop's webhooks at tiktok_webhook_url (the connection
// warns when none is configured). Connecting a platform shop again replaces its tokens and keeps its id.
func (s *Service) Connect(ctx context.Context, scope model.Scope, r ConnectRequest) (model.Connection, error) {
	var problems []model.FieldError
	if strings.TrimSpace(r.AuthCode) == "" {
		problems = append(problems, model.FieldError{Code: "missing_field", Field: "auth_code",
			Message: "the authorisation code is required: the auth_code the platform sent to the app's redirect URL after the seller's consent (R-API-2)"})
	}
	if r.ShopID == "" && len(scope.ShopIDs) == 1 {
		r.ShopID = scope.ShopIDs[0]
	}
	if r.ShopID == "" {
		problems = append(problems, model.FieldError{Code: "missing_field", Field: "shop_id",
			Message: "name the lastmile shop the TikTok shop's orders go to (this key serves several shops)"})
	}
	if len(problems) > 0 {
		return model.Connection{}, &model.ValidationError{Problems: problems}
	}
	if !scope.Has(r.ShopID) {
		return model.Connection{}, fmt.Errorf("shop %s: %w", r.ShopID, model.ErrNotFound)
	}
	shop, err := s.d.Store.GetShop(ctx, r.ShopID)
	if err != nil {
		return model.Connection{}, err
	}
	tok, err := s.d.Client.GetToken(ctx, strings.TrimSpace(r.AuthCode))
	if err != nil {
		return model.Connection{}, platformError("auth_code", "exchange the authorisation code", err)
	}
	shops, err := s.d.Client.AuthorizedShops(ctx, tiktok.StaticToken(tok.AccessToken))
	if err != nil {
		return model.Connection{}, platformError("auth_code", "list the authorised shops", err)
	}
	pick, err := pickShop(shops, r.TikTokShopID, shop.Market)
	if err != nil {
		return model.Connection{}, err
	}
	sealed, err := s.d.Sealer.Seal(pick.ID, tok)
	if err != nil {
		return model.Connection{}, err
	}
	now := s.now()
	c := model.Connection{
		ID: ident.New("con", now), ShopID: r.ShopID, Platform: model.PlatformTikTok, AppKey: s.d.Client.AppKey(),
		ExternalShopID: pick.ID, ShopCipher: pick.Cipher, ShopName: pick.Name, Region: pick.Region,
		OpenID: tok.OpenID, SellerName: tok.SellerName, SealedTokens: sealed,
		AccessExpiresAt: tok.AccessExpiresAt(), RefreshExpiresAt: tok.RefreshExpiresAt(),
		Status: model.ConnectionConnected, CreatedAt: now, UpdatedAt: now,
		WebhookWarning: s.webhookWarning(),
	}
	if old, err := s.d.Store.GetConnectionByExternal(ctx, model.PlatformTikTok, pick.ID); err == nil {
		if !scope.Has(old.ShopID) {
			return model.Connection{}, &model.ValidationError{Problems: []model.FieldError{{Code: "already_connected", Field: "tiktok_shop_id",
				Message: fmt.Sprintf("TikTok shop %s is connected to another lastmile shop; disconnect it there first", pick.ID)}}}
		}
		c.SyncCursor, c.OrdersSynced, c.AuthExpiresAt = old.SyncCursor, old.OrdersSynced, old.AuthExpiresAt
		// The platform keeps the shop's subscriptions across authorisations.
		c.WebhookAddress, c.WebhookEvents = old.WebhookAddress, old.WebhookEvents
	} else if !errors.Is(err, model.ErrNotFound) {
		return model.Connection{}, err
	}
	c, err = s.d.Store.PutConnection(ctx, c)
	if err != nil {
		return model.Connection{}, err
	}
	s.d.Log.Info("tiktok shop connected", "connection", c.ID, "shop", c.ShopID, "tiktok_shop", c.ExternalShopID, "region", c.Region,
		"access_expires_at", c.AccessExpiresAt, "refresh_expires_at", c.RefreshExpiresAt)
	if err := s.enqueueSync(ctx, c.ID); err != nil {
		return c, err
	}
	return c, nil
}

// pickShop chooses the authorised shop to connect.
func pickShop(shops []tiktok.AuthorizedShop, want string, market model.Market) (tiktok.AuthorizedShop, error) {
	ids := make([]string, len(shops))
	for i, sh := range shops {
		ids[i] = sh.ID + " (" + sh.Region + ")"
	}
	refuse := func(msg string) error {
		return &model.ValidationError{Problems: []model.FieldError{{Code: "tiktok_shop", Field: "tiktok_shop_id", Message: msg}}}
	}
	if want != "" {
		for _, sh := range shops {
			if sh.ID == want {
				return sh, nil
			}
		}
		return tiktok.AuthorizedShop{}, refuse(fmt.Sprintf("the seller did not authorise TikTok shop %s; the authorisation covers %s", want, strings.Join(ids, ", ")))
	}
	var match []tiktok.AuthorizedShop
	for _, sh := range shops {
		if model.NormalizeMarket(sh.Region) == market {
			match = append(match, sh)
		}
	}
	switch {
	case len(match) == 1:
		return match[0], nil
	case len(shops) == 1:
		return shops[0], nil
	case len(shops) == 0:
		return tiktok.AuthorizedShop{}, refuse("the authorisation covers no shop")
	}
	return tiktok.AuthorizedShop{}, refuse(fmt.Sprintf("the authorisation covers several shops (%s): name one in tiktok_shop_id", strings.Join(ids, ", ")))
}

// platformError turns a failed platform call made for a request into the client's error: the
// platform's refusal as a 4xx naming field, anything else (the platform unreachable) as is.
func platformError(field, what string, err error) error {
	var te *tiktok.Error
	if errors.As(err, &te) && (te.Kind == tiktok.Refuse || te.Kind == tiktok.Reauth) {
		return &model.ValidationError{Problems: []model.FieldError{{Code: "tiktok_refused", Field: field,
			Message: fmt.Sprintf("TikTok refused to %s: %s (R-API-2: authorise again for a fresh code)", what, te.Error())}}}
	}
	return fmt.Errorf("%s: %w: %w", what, model.ErrUnavailable, err)
}

// Connections lists the connections of the scope's shops.
func (s *Service) Connections(ctx context.Context, scope model.Scope) ([]model.Connection, error) {
	return s.d.Store.ListConnections(ctx, scope.ShopIDs)
}

// Connection returns the connection id of the scope's shops.
func (s *Service) Connection(ctx context.Context, scope model.Scope, id string) (model.Connection, error) {
	return s.d.Store.GetConnection(ctx, scope.ShopIDs, id)
}

// SyncNow enqueues a pull of connection id now (POST /v1/connections/{id}/sync).
func (s *Service) SyncNow(ctx context.Context, scope model.Scope, id string) (model.Connection, error) {
	c, err := s.d.Store.GetConnection(ctx, scope.ShopIDs, id)
	if err != nil {
		return c, err
	}
	if c.Status != model.ConnectionConnected {
		return c, &model.ValidationError{Problems: []model.FieldError{{Code: "not_connected", Field: "id",
			Message: fmt.Sprintf("connection %s is %s (%s): connect the shop again with a new authorisation code (R-API-2)", id, c.Status, c.StatusReason)}}}
	}
	return c, s.enqueueSync(ctx, id)
}

// tokens returns the refreshing token source of c: a refreshed token is sealed and stored before
// it is used (R-API-2), and a refresh the platform refuses marks the connection needs_reauth.
func (s *Service) tokens(c model.Connection) (*tiktok.Tokens, error) {
	tok, err := s.d.Sealer.Open(c.ExternalShopID, c.SealedTokens)
	if err != nil {
		return nil, err
	}
	return s.d.Client.Tokens(tok, func(ctx context.Context, nt tiktok.Token) error {
		return s.storeToken(ctx, c.ID, c.ExternalShopID, nt)
	}), nil
}

func (s *Service) storeToken(ctx context.Context, id, ext string, nt tiktok.Token) error {
	sealed, err := s.d.Sealer.Seal(ext, nt)
	if err != nil {
		return err
	}
	_, err = s.d.Store.UpdateConnection(ctx, id, func(c *model.Connection) (bool, error) {
		c.SealedTokens, c.AccessExpiresAt, c.RefreshExpiresAt = sealed, nt.AccessExpiresAt(), nt.RefreshExpiresAt()
		c.UpdatedAt = s.now()
		return true, nil
	})
	if err != nil {
		s.m.tokenRefreshes.WithLabelValues("failed").Inc()
		return fmt.Errorf("store the refreshed token of connection %s: %w", id, err)
	}
	s.m.tokenRefreshes.WithLabelValues("refreshed").Inc()
	s.d.Log.Info("tiktok access token refreshed", "connection", id, "access_expires_at", nt.AccessExpiresAt())
	return nil
}

// shopClient returns the API client of connection c's shop.
func (s *Service) shopClient(c model.Connection) (*tiktok.ShopClient, error) {
	if c.Status != model.ConnectionConnected {
		return nil, fmt.Errorf("connection %s is %s: %s", c.ID, c.Status, c.StatusReason)
	}
	tk, err := s.tokens(c)
	if err != nil {
		return nil, err
	}
	return s.d.Client.Shop(tk, c.ShopCipher), nil
}

// markReauth records that the connection's tokens no longer work when err says so, and
// reports whether it did.
func (s *Service) markReauth(ctx context.Context, id string, err error) bool {
	if tiktok.KindOf(err) != tiktok.Reauth {
		return false
	}
	s.setStatus(ctx, id, model.ConnectionNeedsReauth, "TikTok refused the seller's tokens ("+err.Error()+"): the seller must authorise the app again, then connect with the new code")
	return true
}

func (s *Service) setStatus(ctx context.Context, id, status, reason string) {
	_, err := s.d.Store.UpdateConnection(ctx, id, func(c *model.Connection) (bool, error) {
		if c.Status == status && c.StatusReason == reason {
			return false, nil
		}
		c.Status, c.StatusReason, c.UpdatedAt = status, reason, s.now()
		return true, nil
	})
	if err != nil {
		s.d.Log.Error("set the status of a tiktok connection", "connection", id, "status", status, "err", err)
		return
	}
	s.d.Log.Warn("tiktok connection status changed", "connection", id, "status", status, "reason", reason)
}

// SweepTokens refreshes every connected shop's access token that expires within RefreshAhead
// and warns about refresh tokens and authorisations that end within WarnAhead (R-API-2). It
// runs on the job engine every TokenSweep; a failure of one shop does not stop the others.
func (s *Service) SweepTokens(ctx context.Context) error {
	all, err := s.d.Store.ListConnections(ctx, nil)
	if err != nil {
		return err
	}
	now := s.now()
	var errs []error
	for _, c := range all {
		if c.Platform != model.PlatformTikTok || c.Status != model.ConnectionConnected {
			continue
		}
		s.warnAhead(ctx, c, now)
		if c.AccessExpiresAt.After(now.Add(s.cfg.RefreshAhead)) {
			continue
		}
		tok, err := s.d.Sealer.Open(c.ExternalShopID, c.SealedTokens)
		if err != nil {
			s.setStatus(ctx, c.ID, model.ConnectionNeedsReauth, err.Error())
			continue
		}
		nt, err := s.d.Client.RefreshToken(ctx, tok.RefreshToken)
		if err != nil {
			s.m.tokenRefreshes.WithLabelValues("failed").Inc()
			if !s.markReauth(ctx, c.ID, err) {
				errs = append(errs, fmt.Errorf("refresh the token of connection %s: %w", c.ID, err))
			}
			continue
		}
		if nt.RefreshToken == "" {
			nt.RefreshToken, nt.RefreshTokenExpireIn = tok.RefreshToken, tok.RefreshTokenExpireIn
		}
		if err := s.storeToken(ctx, c.ID, c.ExternalShopID, nt); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// warnAhead logs, counts and records on the connection that its refresh token or the seller's
// authorisation ends within WarnAhead.
func (s *Service) warnAhead(ctx context.Context, c model.Connection, now time.Time) {
	end := c.RefreshExpiresAt
	if c.AuthExpiresAt != nil && (end.IsZero() || c.AuthExpiresAt.Before(end)) {
		end = *c.AuthExpiresAt
	}
	if end.IsZero() || end.After(now.Add(s.cfg.WarnAhead)) {
		return
	}
	reason := fmt.Sprintf("the seller's authorisation ends at %s: ask the seller to authorise the app again before then and connect with the new code (R-API-2)", end.Format(time.RFC3339))
	s.m.authWarnings.Inc()
	s.d.Log.Warn("tiktok authorisation ends soon", "connection", c.ID, "shop", c.ShopID, "tiktok_shop", c.ExternalShopID, "ends_at", end)
	_, err := s.d.Store.UpdateConnection(ctx, c.ID, func(c *model.Connection) (bool, error) {
		if c.StatusReason == reason {
			return false, nil
		}
		c.StatusReason, c.UpdatedAt = reason, s.now()
		return true, nil
	})
	if err != nil {
		s.d.Log.Error("record the authorisation warning", "connection", c.ID, "err", err)
	}
}

// enqueueSync enqueues the pull of connection id, unless one waits already.
func (s *Service) enqueueSync(ctx context.Context, id string) error {
	j, err := store.NewJob(SyncArgs{ConnectionID: id}, store.UniqueBy(id), store.MaxAttempts(5))
	if err != nil {
		return err
	}
	return s.d.Store.EnqueueJobs(ctx, j)
}

// EnqueueSyncAll enqueues the pull of every connected TikTok shop (every SyncInterval).
func (s *Service) EnqueueSyncAll(ctx context.Context) error {
	all, err := s.d.Store.ListConnections(ctx, nil)
	if err != nil {
		return err
	}
	var jobs []store.Job
	for _, c := range all {
		if c.Platform != model.PlatformTikTok || c.Status != model.ConnectionConnected {
			continue
		}
		j, err := store.NewJob(SyncArgs{ConnectionID: c.ID}, store.UniqueBy(c.ID), store.MaxAttempts(5))
		if err != nil {
			return err
		}
		jobs = append(jobs, j)
	}
	if len(jobs) == 0 {
		return nil
	}
	return s.d.Store.EnqueueJobs(ctx, jobs...)
}
