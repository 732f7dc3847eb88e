package config

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
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
	// WebhookURL is the public URL of lastmile's POST /webhooks/tiktok, the address every
	// connected shop is subscribed to for the events lastmile acts on (tiktok_webhook_url).
	// Empty: no subscription is made, and each connection says so (the pull alone finds the
	// orders, up to tiktok_sync_interval late).
	WebhookURL string
	// Providers maps lastmile's carrier codes to the TikTok shipping providers a push names, as
	// comma-separated carrier=provider pairs, the provider by its name or id
	// ("jt-th=J&T Express, usps=USPS"; tiktok_providers). Carriers not listed are matched by
	// name and known aliases; one that matches no provider fails its push (R-API-3).
	Providers string
}

// ProviderMap reads Providers: carrier code (lower case) → provider name or id.
func (t TikTok) ProviderMap() (map[string]string, error) {
	out := map[string]string{}
	for _, part := range strings.Split(t.Providers, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		c, p, ok := strings.Cut(part, "=")
		c, p = strings.ToLower(strings.TrimSpace(c)), strings.TrimSpace(p)
		if !ok || c == "" || p == "" {
			return nil, fmt.Errorf("%q: want carrier=provider pairs separated by commas, e.g. jt-th=J&T Express, usps=USPS", part)
		}
		if _, dup := out[c]; dup {
			return nil, fmt.Errorf("carrier %q is mapped twice", c)
		}
		out[c] = p
	}
	return out, nil
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
	if _, err := t.ProviderMap(); err != nil {
		bad("tiktok_providers", err.Error()+" (LASTMILE_TIKTOK_PROVIDERS)")
	}
	if t.WebhookURL != "" {
		if u, err := url.Parse(t.WebhookURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("tiktok_webhook_url", fmt.Sprintf("%q: want the public http(s) URL of lastmile's POST /webhooks/tiktok, e.g. https://lastmile.example.com/webhooks/tiktok", t.WebhookURL))
		}
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
