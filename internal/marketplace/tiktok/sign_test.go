package tiktok

import (
	"net/url"
	"strings"
	"testing"
)

// The platform's published test vectors (TikTok Shop partner documentation).
const (
	vectorAppKey    = "29a39d"
	vectorAppSecret = "e59af819cc"
	vectorString    = "/authorization/202309/shopsapp_key29a39dtimestamp1623812664"
	vectorSign      = "b596b73e0cc6de07ac26f036364178ab16b0a907af13d43f0a0cd2345f582dc8"

	webhookAppKey    = "abcdef"
	webhookAppSecret = "123"
	webhookBody      = `{"type":1,"tts_notification_id":"7380066284010030890","shop_id":"7495540735365777507","timestamp":1718305585,"data":{"is_on_hold_order":true,"order_id":"576653688135258178","order_status":"UNPAID","update_time":1718305585}}`
	webhookSign      = "5dec0f11ec2f6783b8deee53c9ffbf8d024302f7c7e7fa55a35d17629031ac05"
)

func TestSignVector(t *testing.T) {
	t.Parallel()
	q := url.Values{"app_key": {vectorAppKey}, "timestamp": {"1623812664"}}
	if got := SignString("GET", "/authorization/202309/shops", q, nil, false); got != vectorString {
		t.Fatalf("sign string %q, want %q", got, vectorString)
	}
	if got := Sign(vectorAppSecret, "GET", "/authorization/202309/shops", q, nil, false); got != vectorSign {
		t.Fatalf("sign %s, want %s", got, vectorSign)
	}
	// sign and access_token never take part, whatever their value.
	q.Set("sign", "whatever")
	q.Set("access_token", "tok")
	if got := Sign(vectorAppSecret, "GET", "/authorization/202309/shops", q, nil, false); got != vectorSign {
		t.Fatalf("sign with sign/access_token in the query %s, want %s", got, vectorSign)
	}
}

func TestSignStringBody(t *testing.T) {
	t.Parallel()
	q := url.Values{"timestamp": {"1"}, "app_key": {"k"}, "shop_cipher": {"C"}, "page_size": {"50"}}
	body := []byte(`{"order_status":"AWAITING_SHIPMENT"}`)
	want := "/order/202309/orders/searchapp_keykpage_size50shop_cipherCtimestamp1" + string(body)
	if got := SignString("POST", "/order/202309/orders/search", q, body, false); got != want {
		t.Fatalf("POST sign string %q, want %q", got, want)
	}
	// GET and multipart bodies are not signed.
	if got := SignString("GET", "/p", q, body, false); strings.Contains(got, "order_status") {
		t.Fatalf("GET signed its body: %q", got)
	}
	if got := SignString("POST", "/p", q, body, true); strings.Contains(got, "order_status") {
		t.Fatalf("multipart body signed: %q", got)
	}
}

func TestWebhookVector(t *testing.T) {
	t.Parallel()
	if got := WebhookSignature(webhookAppKey, webhookAppSecret, []byte(webhookBody)); got != webhookSign {
		t.Fatalf("webhook signature %s, want %s", got, webhookSign)
	}
	if !VerifyWebhook(webhookAppKey, webhookAppSecret, webhookSign, []byte(webhookBody)) {
		t.Fatal("the documented webhook vector does not verify")
	}
	if !VerifyWebhook(webhookAppKey, webhookAppSecret, strings.ToUpper(webhookSign), []byte(webhookBody)) {
		t.Fatal("upper-case hex refused")
	}
	forged := []struct{ name, key, secret, auth, body string }{
		{"empty header", webhookAppKey, webhookAppSecret, "", webhookBody},
		{"bearer", webhookAppKey, webhookAppSecret, "Bearer " + webhookSign, webhookBody},
		{"body changed", webhookAppKey, webhookAppSecret, webhookSign, strings.Replace(webhookBody, "UNPAID", "CANCEL", 1)},
		{"body with a trailing newline", webhookAppKey, webhookAppSecret, webhookSign, webhookBody + "\n"},
		{"other app key", "abcdeg", webhookAppSecret, webhookSign, webhookBody},
		{"other secret", webhookAppKey, "124", webhookSign, webhookBody},
		{"empty secret", webhookAppKey, "", WebhookSignature(webhookAppKey, "", []byte(webhookBody)), webhookBody},
		{"truncated", webhookAppKey, webhookAppSecret, webhookSign[:62], webhookBody},
		{"one digit flipped", webhookAppKey, webhookAppSecret, "6" + webhookSign[1:], webhookBody},
	}
	for _, f := range forged {
		if VerifyWebhook(f.key, f.secret, f.auth, []byte(f.body)) {
			t.Errorf("%s: accepted", f.name)
		}
	}
}

func BenchmarkSign(b *testing.B) {
	q := url.Values{"app_key": {vectorAppKey}, "timestamp": {"1623812664"}, "shop_cipher": {"ROW_abcdef0123456789"},
		"page_size": {"100"}, "sort_field": {"update_time"}}
	body := []byte(`{"update_time_ge":1718305585,"update_time_lt":1718309185}`)
	b.ReportAllocs()
	for b.Loop() {
		Sign(vectorAppSecret, "POST", "/order/202309/orders/search", q, body, false)
	}
}

func BenchmarkVerifyWebhook(b *testing.B) {
	body := []byte(webhookBody)
	b.ReportAllocs()
	for b.Loop() {
		if !VerifyWebhook(webhookAppKey, webhookAppSecret, webhookSign, body) {
			b.Fatal("refused")
		}
	}
}
