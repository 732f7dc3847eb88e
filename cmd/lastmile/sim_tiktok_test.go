package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"lastmile/internal/marketplace/tiktok"
)

// TestSimTikTokCLI is the contract: `lastmile sim tiktok --addr --app-key --app-secret`
// serves the platform's paths, refuses a wrong sign with 106001 and accepts one signed as
// documented.
func TestSimTikTokCLI(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"sim", "tiktok", "--addr", "127.0.0.1:0", "--app-key", "k1", "--app-secret", "s1",
			"--order-rate", "0", "--fault-rate", "0", "--webhook-drop", "0"}, stdio{in: strings.NewReader(""), out: &out, err: &errOut})
	}()
	var base string
	for deadline := time.Now().Add(10 * time.Second); base == ""; {
		if m := listeningRE.FindStringSubmatch(out.String()); m != nil {
			base = m[1]
			break
		}
		select {
		case code := <-done:
			cancel()
			t.Fatalf("sim tiktok exited with %d: %s%s", code, out.String(), errOut.String())
		case <-time.After(5 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("sim tiktok did not start: %s%s", out.String(), errOut.String())
		}
	}
	for _, want := range []string{"app key:    k1", "app secret: s1", "/sim/authorize", "7495540735365770001 US"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}

	// Authorise a shop through the sim-only endpoint and connect as lastmile would.
	resp, err := http.Post(base+"/sim/authorize", "application/json", strings.NewReader(`{"shop_id":"7495540735365770001"}`))
	if err != nil {
		t.Fatal(err)
	}
	var auth struct {
		AuthCode string `json:"auth_code"`
	}
	err = json.NewDecoder(resp.Body).Decode(&auth)
	resp.Body.Close()
	if err != nil || auth.AuthCode == "" {
		t.Fatalf("authorize: %v %+v", err, auth)
	}
	c, err := tiktok.New(tiktok.Config{AppKey: "k1", AppSecret: "s1", APIBase: base})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := c.GetToken(ctx, auth.AuthCode)
	if err != nil {
		t.Fatal(err)
	}
	shops, err := c.AuthorizedShops(ctx, tiktok.StaticToken(tok.AccessToken))
	if err != nil || len(shops) == 0 {
		t.Fatalf("signed as documented, refused: %v", err)
	}

	// The same request with a wrong sign: 106001.
	q := url.Values{"app_key": {"k1"}, "timestamp": {strconv.FormatInt(time.Now().Unix(), 10)}}
	q.Set("sign", tiktok.Sign("not-s1", "GET", "/authorization/202309/shops", q, nil, false))
	req, _ := http.NewRequest("GET", base+"/authorization/202309/shops?"+q.Encode(), nil)
	req.Header.Set("x-tts-access-token", tok.AccessToken)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var env struct {
		Code int `json:"code"`
	}
	var raw bytes.Buffer
	_, _ = raw.ReadFrom(resp.Body)
	resp.Body.Close()
	if err := json.Unmarshal(raw.Bytes(), &env); err != nil || env.Code != tiktok.CodeBadSign {
		t.Fatalf("wrong sign answered %s", raw.String())
	}

	cancel()
	if code := <-done; code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
}

func TestSimTikTokCLIBadFlags(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"sim", "tiktok", "--addr", "127.0.0.1:0", "--webhook-drop", "2"}, stdio{in: strings.NewReader(""), out: &out, err: &errOut})
	if code != exitUsage || !strings.Contains(errOut.String(), "webhook drop rate 2") {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
}
