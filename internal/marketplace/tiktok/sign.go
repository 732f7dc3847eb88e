package tiktok

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"slices"
	"strings"
)

// SignString is the string the platform signs for one API request, before it is wrapped in the
// app secret: the path, then every query parameter except sign and access_token sorted by key as
// key followed by value with no separators, then the raw body unless the method is GET or the
// body is multipart. A key given more than once signs its first value, as the sim reads it.
func SignString(method, path string, query url.Values, body []byte, multipart bool) string {
	keys := make([]string, 0, len(query))
	for k := range query {
		if k == "sign" || k == "access_token" {
			continue
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	n := len(path) + len(body)
	for _, k := range keys {
		n += len(k) + len(query.Get(k))
	}
	b.Grow(n)
	b.WriteString(path)
	for _, k := range keys {
		b.WriteString(k)
		b.WriteString(query.Get(k))
	}
	if !strings.EqualFold(method, "GET") && !multipart {
		b.Write(body)
	}
	return b.String()
}

// Sign is the request signature the platform checks: the lowercase hex HMAC-SHA256, keyed with
// the app secret, of the app secret + SignString + the app secret.
func Sign(appSecret, method, path string, query url.Values, body []byte, multipart bool) string {
	m := hmac.New(sha256.New, []byte(appSecret))
	m.Write([]byte(appSecret))
	m.Write([]byte(SignString(method, path, query, body, multipart)))
	m.Write([]byte(appSecret))
	return hex.EncodeToString(m.Sum(nil))
}

// WebhookSignature is the Authorization header the platform puts on a webhook it sends: the
// lowercase hex HMAC-SHA256, keyed with the app secret, of the app key followed by the raw body
// (no "Bearer").
func WebhookSignature(appKey, appSecret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(appSecret))
	m.Write([]byte(appKey))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// VerifyWebhook reports whether authorization, the webhook's Authorization header, is the
// platform's signature of body for the app. The comparison takes the same time wherever the
// first difference is, so a forger learns nothing from timing. Upper-case hex is accepted;
// anything else (empty, "Bearer …", another length) is not.
func VerifyWebhook(appKey, appSecret, authorization string, body []byte) bool {
	got, err := hex.DecodeString(authorization)
	if err != nil || len(got) != sha256.Size || appSecret == "" {
		return false
	}
	m := hmac.New(sha256.New, []byte(appSecret))
	m.Write([]byte(appKey))
	m.Write(body)
	return hmac.Equal(got, m.Sum(nil))
}
