package tiktok

import (
	"context"
	"errors"
	"net/url"
	"sync"
	"time"
)

// Token is a seller's authorisation of the app, as the auth host answers it. The *ExpireIn
// fields are absolute Unix timestamps (seconds), not durations: the platform names them so.
type Token struct {
	AccessToken          string   `json:"access_token"`
	AccessTokenExpireIn  int64    `json:"access_token_expire_in"`
	RefreshToken         string   `json:"refresh_token"`
	RefreshTokenExpireIn int64    `json:"refresh_token_expire_in"`
	OpenID               string   `json:"open_id"`
	SellerName           string   `json:"seller_name"`
	SellerBaseRegion     string   `json:"seller_base_region"`
	GrantedScopes        []string `json:"granted_scopes"`
}

// AccessExpiresAt is when the access token stops working (about 7 days after it was issued).
func (t Token) AccessExpiresAt() time.Time { return time.Unix(t.AccessTokenExpireIn, 0).UTC() }

// RefreshExpiresAt is when the refresh token stops working; after it the seller must authorise
// the app again (R-API-2: warn ahead).
func (t Token) RefreshExpiresAt() time.Time { return time.Unix(t.RefreshTokenExpireIn, 0).UTC() }

// GetToken exchanges an authorisation code (from the seller's consent, or the simulator's
// POST /sim/authorize) for the seller's tokens. The auth host's calls are not signed: the app
// secret travels in the query, as the platform requires.
func (c *Client) GetToken(ctx context.Context, authCode string) (Token, error) {
	if authCode == "" {
		return Token{}, refusal("get token", "auth_code", "the authorisation code is required: the auth_code the platform sent to the app's redirect URL")
	}
	return c.tokenCall(ctx, "get token", "/api/v2/token/get", url.Values{"auth_code": {authCode}, "grant_type": {"authorized_code"}})
}

// RefreshToken gets a new access token with the seller's refresh token (R-API-2).
func (c *Client) RefreshToken(ctx context.Context, refreshToken string) (Token, error) {
	if refreshToken == "" {
		return Token{}, refusal("refresh token", "refresh_token", "the refresh token is required")
	}
	return c.tokenCall(ctx, "refresh token", "/api/v2/token/refresh", url.Values{"refresh_token": {refreshToken}, "grant_type": {"refresh_token"}})
}

func (c *Client) tokenCall(ctx context.Context, op, path string, q url.Values) (Token, error) {
	q.Set("app_key", c.cfg.AppKey)
	q.Set("app_secret", c.cfg.AppSecret)
	var tok Token
	var err error
	for attempt := 1; ; attempt++ {
		if err = c.waitTurn(ctx); err != nil {
			return Token{}, err
		}
		_, err = c.send(ctx, op, "GET", c.auth+path+"?"+q.Encode(), nil, "", &tok)
		if err == nil || ctx.Err() != nil || attempt >= c.cfg.MaxAttempts || !IsRetryable(err) {
			break
		}
		wait := RetryAfter(err)
		if wait == 0 {
			wait = c.cfg.RetryBase << min(attempt-1, 16)
		}
		if wait > c.cfg.MaxRetryWait {
			break
		}
		if err := c.cfg.Sleep(ctx, wait); err != nil {
			return Token{}, err
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			return Token{}, ctx.Err()
		}
		return Token{}, err
	}
	if tok.AccessToken == "" {
		return Token{}, &Error{Kind: Refuse, Op: op, Message: "the answer has no access_token"}
	}
	return tok, nil
}

// TokenSource gives the access token of one seller to the calls made for it.
type TokenSource interface {
	// AccessToken returns the token to send now.
	AccessToken(ctx context.Context) (string, error)
	// Refresh is called when the platform answered that rejected has expired (105002): it
	// returns a token that works, refreshing unless that already happened.
	Refresh(ctx context.Context, rejected string) (string, error)
}

// StaticToken is a TokenSource of one access token that cannot be refreshed.
type StaticToken string

// AccessToken returns the token.
func (s StaticToken) AccessToken(context.Context) (string, error) { return string(s), nil }

// Refresh fails: a static token cannot be refreshed.
func (s StaticToken) Refresh(context.Context, string) (string, error) {
	return "", &Error{Kind: Reauth, Code: CodeTokenExpired, Message: "the access token expired and this token source cannot refresh it"}
}

// Tokens is the TokenSource of one seller's Token that refreshes it: ahead of its expiry
// (Config.RefreshBefore) and when the platform says it expired. Each new Token goes to the
// onRefresh callback first, so the caller stores it (encrypted) before it is used; a callback
// error fails the call and keeps the old token. Concurrent callers share one refresh. Safe for
// concurrent use.
type Tokens struct {
	c         *Client
	onRefresh func(context.Context, Token) error
	mu        sync.Mutex
	tok       Token
}

// Tokens returns the refreshing TokenSource of tok; onRefresh may be nil.
func (c *Client) Tokens(tok Token, onRefresh func(context.Context, Token) error) *Tokens {
	return &Tokens{c: c, tok: tok, onRefresh: onRefresh}
}

// Current is the token as it stands.
func (t *Tokens) Current() Token {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.tok
}

// AccessToken returns the access token, refreshed first when it expires within
// Config.RefreshBefore. A token without an expiry is used until the platform says it expired.
func (t *Tokens) AccessToken(ctx context.Context) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.tok.AccessToken != "" && (t.tok.AccessTokenExpireIn == 0 || t.c.cfg.Now().Add(t.c.cfg.RefreshBefore).Before(t.tok.AccessExpiresAt())) {
		return t.tok.AccessToken, nil
	}
	return t.refreshLocked(ctx)
}

// Refresh refreshes the token unless it changed since rejected was handed out.
func (t *Tokens) Refresh(ctx context.Context, rejected string) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.tok.AccessToken != rejected && t.tok.AccessToken != "" {
		return t.tok.AccessToken, nil
	}
	return t.refreshLocked(ctx)
}

func (t *Tokens) refreshLocked(ctx context.Context) (string, error) {
	if t.tok.RefreshToken == "" {
		return "", errors.New("no refresh token: connect the shop again")
	}
	nt, err := t.c.RefreshToken(ctx, t.tok.RefreshToken)
	if err != nil {
		return "", err
	}
	if nt.RefreshToken == "" {
		nt.RefreshToken, nt.RefreshTokenExpireIn = t.tok.RefreshToken, t.tok.RefreshTokenExpireIn
	}
	if t.onRefresh != nil {
		if err := t.onRefresh(ctx, nt); err != nil {
			return "", err
		}
	}
	t.tok = nt
	return nt.AccessToken, nil
}
