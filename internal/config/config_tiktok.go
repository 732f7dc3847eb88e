package config

import (
	"errors"
	"fmt"
	"net/url"
	"time"
)

// TikTok is the TikTok Shop app lastmile connects shops through (docs/tiktok.md, R-API-1,
// R-API-2). Empty AppKey: no TikTok integration.
type TikTok struct {
	// AppKey and AppSecret are the app's credentials from the partner centre
	// (tiktok_app_key, tiktok_app_secret). The secret is never printed nor logged.
	AppKey, AppSecret string
	// APIBase is the API host's URL; empty is the platform's. Tests and the demo point it at
	// the simulator (tiktok_api_base).
	APIBase string
	// TokenKey seals the sellers' tokens at rest (AES-256-GCM under a key derived from it); at
	// least 16 characters (tiktok_token_key). Empty: a key derived from AppSecret, with a
	// warning at start. Never printed nor logged.
	TokenKey string
	// SyncInterval is how often every connected shop's orders are pulled by update_time, the
	// safety net under the webhooks (tiktok_sync_interval, R-API-1).
	SyncInterval time.Duration
}

// Enabled reports whether a TikTok app is configured.
func (t TikTok) Enabled() bool { return t.AppKey != "" }

// check reports the TikTok settings that cannot work together.
func (t TikTok) check() []error {
	var errs []error
	bad := func(key, msg string) { errs = append(errs, &KeyError{Key: key, Msg: msg}) }
	if t.AppKey == "" {
		if t.AppSecret != "" {
			bad("tiktok_app_key", "a tiktok_app_secret is set without the app key; set both (LASTMILE_TIKTOK_APP_KEY)")
		}
		return errs
	}
	if t.AppSecret == "" {
		bad("tiktok_app_secret", "the app secret is required with tiktok_app_key (LASTMILE_TIKTOK_APP_SECRET)")
	}
	if t.TokenKey != "" && len(t.TokenKey) < 16 {
		bad("tiktok_token_key", "at least 16 characters: it seals the sellers' tokens at rest (LASTMILE_TIKTOK_TOKEN_KEY; e.g. the output of `openssl rand -base64 32`)")
	}
	if t.APIBase != "" {
		if u, err := url.Parse(t.APIBase); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("tiktok_api_base", fmt.Sprintf("%q: want an http:// or https:// URL (empty: the platform's host)", t.APIBase))
		}
	}
	return errs
}

// SealKey is the secret the sellers' tokens are sealed under: TokenKey, else one derived from
// the app secret (a separate key is better: rotating the app secret then keeps the tokens).
func (t TikTok) SealKey() (key string, derived bool) {
	if t.TokenKey != "" {
		return t.TokenKey, false
	}
	return "derived from the app secret\x00" + t.AppSecret, true
}

// checkTikTok is Validate's part for the TikTok keys.
func (c Config) checkTikTok() error { return errors.Join(c.TikTok.check()...) }
