package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"lastmile/internal/model"
	"lastmile/internal/tiktokshop"
)

const connectTikTokSynopsis = `connect tiktok --shop SHOP_ID [--auth-code CODE] [--tiktok-shop-id ID] [--db URL]

Connects a TikTok Shop to lastmile's shop SHOP_ID through the app of LASTMILE_TIKTOK_APP_KEY,
LASTMILE_TIKTOK_APP_SECRET and LASTMILE_TIKTOK_API_BASE (docs/tiktok.md): the authorisation code
is exchanged for the seller's tokens, stored sealed, and the shop's first pull is queued (it runs
in lastmile serve). Without --auth-code and with --tiktok-shop-id, a simulator at the API base
(lastmile sim tiktok) issues the code; against the platform, the command prints the URL where the
seller authorises the app, whose redirect carries the code.`

// runConnectTikTok is "lastmile connect tiktok".
func runConnectTikTok(ctx context.Context, args []string, s stdio) int {
	fs := newFlags("connect tiktok", connectTikTokSynopsis, s)
	db := dbFlag(fs)
	shop := fs.String("shop", "", "lastmile's shop the TikTok shop's orders go to (required)")
	code := fs.String("auth-code", "", "the authorisation code from the seller's consent")
	ttShop := fs.String("tiktok-shop-id", "", "the TikTok shop to connect, when the seller has several (and the shop the simulator authorises)")
	if c, ok := parse(fs, args); !ok {
		return c
	}
	if *shop == "" {
		fmt.Fprintln(s.err, "lastmile connect tiktok: --shop is required")
		fs.Usage()
		return exitUsage
	}
	a, err := openApp(ctx, *db, s)
	if err != nil {
		return fail(s, "connect tiktok", err)
	}
	defer a.Close()
	if a.TikTok == nil {
		return fail(s, "connect tiktok", errors.New("no TikTok app is configured: set LASTMILE_TIKTOK_APP_KEY, LASTMILE_TIKTOK_APP_SECRET and LASTMILE_TIKTOK_API_BASE"))
	}
	if *code == "" {
		base := a.Config.TikTok.APIBase
		if *ttShop == "" || base == "" {
			fmt.Fprintf(s.err, "lastmile connect tiktok: no --auth-code. Ask the seller to authorise the app at\n  %s\nand run again with the auth_code of the redirect (or, against the simulator, give --tiktok-shop-id).\n",
				"https://auth.tiktok-shops.com/oauth/authorize?app_key="+url.QueryEscape(a.Config.TikTok.AppKey)+"&state=lastmile")
			return exitUsage
		}
		if *code, err = simAuthorize(ctx, base, *ttShop); err != nil {
			return fail(s, "connect tiktok", err)
		}
	}
	c, err := a.TikTok.Connect(ctx, model.Scope{ShopIDs: []string{*shop}}, tiktokshop.ConnectRequest{AuthCode: *code, ShopID: *shop, TikTokShopID: *ttShop})
	if err != nil {
		return fail(s, "connect tiktok", err)
	}
	printJSON(s.out, c)
	return exitOK
}

// simAuthorize asks a simulated platform (lastmile sim tiktok) for an authorisation code of
// the seller of shop ttShop, as the seller's consent would give.
func simAuthorize(ctx context.Context, base, ttShop string) (string, error) {
	body, _ := json.Marshal(map[string]string{"shop_id": ttShop})
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "POST", strings.TrimRight(base, "/")+"/sim/authorize", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("ask the simulator at %s for an authorisation code: %w", base, err)
	}
	defer res.Body.Close()
	var out struct {
		AuthCode string `json:"auth_code"`
		Error    string `json:"error"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || res.StatusCode != http.StatusOK || out.AuthCode == "" {
		return "", fmt.Errorf("%s is not a simulator that issues codes (HTTP %d %s): give --auth-code from the seller's consent", base, res.StatusCode, out.Error)
	}
	return out.AuthCode, nil
}
