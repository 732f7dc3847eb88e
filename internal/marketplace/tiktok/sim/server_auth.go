package sim

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"time"

	"lastmile/internal/marketplace/tiktok"
)

// scopes are what every simulated authorisation grants.
var scopes = []string{"seller.authorization.info", "seller.order.info", "seller.fulfillment.basic",
	"seller.logistics", "seller.return_refund.basic", "seller.event.webhook"}

// wireToken is the auth host's data: the *_expire_in fields are absolute Unix times.
type wireToken struct {
	AccessToken          string   `json:"access_token"`
	AccessTokenExpireIn  int64    `json:"access_token_expire_in"`
	RefreshToken         string   `json:"refresh_token"`
	RefreshTokenExpireIn int64    `json:"refresh_token_expire_in"`
	OpenID               string   `json:"open_id"`
	SellerName           string   `json:"seller_name"`
	SellerBaseRegion     string   `json:"seller_base_region"`
	GrantedScopes        []string `json:"granted_scopes"`
}

// Authorize issues an authorisation code for the seller of shop shopID, as the seller's consent
// on the platform would (POST /sim/authorize). The code works once, for Options.AuthCodeTTL.
func (s *Sim) Authorize(shopID string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sh := s.shopByID[shopID]
	if sh == nil {
		return "", fmt.Errorf("no shop %q in the sim", shopID)
	}
	code := "sim_ac_" + s.randomToken(18)
	s.codes[code] = &authCode{seller: sh.seller, expires: s.Now().Add(s.opts.AuthCodeTTL)}
	return code, nil
}

// ExpireTokens makes every access token of shop shopID's seller expire now, so the next call
// is answered 105002 (POST /sim/tokens/expire).
func (s *Sim) ExpireTokens(shopID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	sh := s.shopByID[shopID]
	if sh == nil {
		return fmt.Errorf("no shop %q in the sim", shopID)
	}
	now := s.Now()
	for _, t := range s.access {
		if t.seller == sh.seller && t.expires.After(now) {
			t.expires = now
		}
	}
	return nil
}

func (s *Sim) randomToken(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(s.rng.UintN(256))
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// authCheck checks the auth host's app credentials.
func (s *Sim) authCheck(r *http.Request) *apiErr {
	s.stats.Requests++
	q := r.URL.Query()
	if q.Get("app_key") != s.opts.AppKey || !hmacEqualString(q.Get("app_secret"), s.opts.AppSecret) {
		s.stats.BadCredentials++
		return &apiErr{code: tiktok.CodeInvalidCredentials, status: http.StatusOK, msg: "invalid app_key or app_secret"}
	}
	return nil
}

func hmacEqualString(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	var d byte
	for i := 0; i < len(a); i++ {
		d |= a[i] ^ b[i]
	}
	return d == 0
}

// issue makes a new access token for sl, with refresh token rt (a new one when "").
func (s *Sim) issue(sl *seller, rt string, now time.Time) wireToken {
	at := "TTP_" + s.randomToken(24)
	s.access[at] = &accessToken{seller: sl, expires: now.Add(s.opts.AccessTokenTTL), scopes: scopes}
	if rt == "" {
		rt = "TTP_" + s.randomToken(24)
		s.refresh[rt] = &refreshToken{seller: sl, expires: now.Add(s.opts.RefreshTokenTTL)}
		sl.authEnd = now.Add(s.opts.RefreshTokenTTL)
	}
	return wireToken{
		AccessToken: at, AccessTokenExpireIn: now.Add(s.opts.AccessTokenTTL).Unix(),
		RefreshToken: rt, RefreshTokenExpireIn: s.refresh[rt].expires.Unix(),
		OpenID: sl.openID, SellerName: sl.name, SellerBaseRegion: sl.region, GrantedScopes: scopes,
	}
}

// handleTokenGet is GET /api/v2/token/get: an authorisation code for the seller's tokens.
func (s *Sim) handleTokenGet(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	now := s.Now()
	data, e := func() (any, *apiErr) {
		if e := s.authCheck(r); e != nil {
			return nil, e
		}
		q := r.URL.Query()
		if q.Get("grant_type") != "authorized_code" {
			return nil, errParam("grant_type %q: want authorized_code", q.Get("grant_type"))
		}
		ac := s.codes[q.Get("auth_code")]
		switch {
		case ac == nil:
			return nil, &apiErr{code: tiktok.CodeInvalidCredentials, status: http.StatusOK, msg: "invalid auth_code"}
		case ac.used:
			return nil, &apiErr{code: tiktok.CodeInvalidCredentials, status: http.StatusOK, msg: "the auth_code was used already: authorise again"}
		case !now.Before(ac.expires):
			return nil, &apiErr{code: tiktok.CodeInvalidCredentials, status: http.StatusOK, msg: "the auth_code has expired: authorise again"}
		}
		ac.used = true
		ac.seller.deauthorized = false
		s.stats.TokensIssued++
		return s.issue(ac.seller, "", now), nil
	}()
	id := s.requestID()
	s.mu.Unlock()
	writeAnswer(w, id, e, data)
}

// handleTokenRefresh is GET /api/v2/token/refresh: a new access token for a refresh token.
func (s *Sim) handleTokenRefresh(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	now := s.Now()
	data, e := func() (any, *apiErr) {
		if e := s.authCheck(r); e != nil {
			return nil, e
		}
		q := r.URL.Query()
		if q.Get("grant_type") != "refresh_token" {
			return nil, errParam("grant_type %q: want refresh_token", q.Get("grant_type"))
		}
		rt := s.refresh[q.Get("refresh_token")]
		switch {
		case rt == nil:
			return nil, &apiErr{code: tiktok.CodeInvalidCredentials, status: http.StatusOK, msg: "invalid refresh_token"}
		case rt.seller.deauthorized:
			return nil, &apiErr{code: tiktok.CodeInvalidCredentials, status: http.StatusOK, msg: "the seller revoked the app's authorisation: authorise again"}
		case !now.Before(rt.expires):
			s.stats.ExpiredToken++
			return nil, &apiErr{code: tiktok.CodeTokenExpired, status: http.StatusOK, msg: "the refresh_token has expired: the seller must authorise again"}
		}
		s.stats.TokensRefreshed++
		return s.issue(rt.seller, q.Get("refresh_token"), now), nil
	}()
	id := s.requestID()
	s.mu.Unlock()
	writeAnswer(w, id, e, data)
}

// wireShop is one entry of GET /authorization/202309/shops.
type wireShop struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Region     string `json:"region"`
	SellerType string `json:"seller_type"`
	Cipher     string `json:"cipher"`
	Code       string `json:"code"`
}

// handleShops is GET /authorization/202309/shops: the seller's shops with their ciphers.
func (s *Sim) handleShops(c *call) (any, *apiErr) {
	out := struct {
		Shops []wireShop `json:"shops"`
	}{Shops: []wireShop{}}
	for _, sh := range c.seller.shops {
		out.Shops = append(out.Shops, wireShop{ID: sh.ID, Name: sh.Name, Region: string(sh.Market), SellerType: "CROSS_BORDER", Cipher: sh.cipher, Code: sh.code})
	}
	return out, nil
}
