package main

import (
	"context"
	"fmt"

	"lastmile/internal/model"
)

func runShopCreate(ctx context.Context, args []string, s stdio) int {
	fs := newFlags("shop create", "shop create --name NAME --market US [--time-zone ZONE] [--db URL]", s)
	db := dbFlag(fs)
	name := fs.String("name", "", "shop name (required)")
	market := fs.String("market", "", "market, an ISO country code: US, GB, DE, ID, TH, … (required)")
	tz := fs.String("time-zone", "", "IANA time zone (default: the market's)")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *name == "" || *market == "" {
		fmt.Fprintln(s.err, "lastmile shop create: --name and --market are required")
		fs.Usage()
		return exitUsage
	}
	a, err := openApp(ctx, *db, s)
	if err != nil {
		return fail(s, "shop create", err)
	}
	defer a.Close()
	shop, err := a.Tenants.CreateShop(ctx, *name, model.Market(*market), *tz)
	if err != nil {
		return fail(s, "shop create", err)
	}
	secret, key, err := a.Tenants.CreateKey(ctx, "first key of "+shop.Name, []string{shop.ID})
	if err != nil {
		return fail(s, "shop create", err)
	}
	printJSON(s.out, map[string]any{"shop_id": shop.ID, "api_key": secret, "key_id": key.ID, "shop": shop})
	return exitOK
}
