package main

import (
	"context"
	"fmt"
)

func runKeyCreate(ctx context.Context, args []string, s stdio) int {
	fs := newFlags("key create", "key create --shop ID [--shop ID…] [--name NAME] [--db URL]", s)
	db := dbFlag(fs)
	var shops listFlag
	fs.Var(&shops, "shop", "shop id the key may reach; repeat (or comma-separate) for an operator key")
	name := fs.String("name", "", "what the key is for, e.g. 'ERP sync'")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if len(shops) == 0 {
		fmt.Fprintln(s.err, "lastmile key create: at least one --shop is required")
		fs.Usage()
		return exitUsage
	}
	a, err := openApp(ctx, *db, s)
	if err != nil {
		return fail(s, "key create", err)
	}
	defer a.Close()
	secret, key, err := a.Tenants.CreateKey(ctx, *name, shops)
	if err != nil {
		return fail(s, "key create", err)
	}
	printJSON(s.out, map[string]any{"key_id": key.ID, "api_key": secret, "shop_ids": key.ShopIDs})
	return exitOK
}

func runKeyRevoke(ctx context.Context, args []string, s stdio) int {
	fs := newFlags("key revoke", "key revoke --key-id ID [--db URL]", s)
	db := dbFlag(fs)
	id := fs.String("key-id", "", "id of the key to revoke (the part after lm_, before the second _)")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *id == "" {
		fmt.Fprintln(s.err, "lastmile key revoke: --key-id is required")
		fs.Usage()
		return exitUsage
	}
	a, err := openApp(ctx, *db, s)
	if err != nil {
		return fail(s, "key revoke", err)
	}
	defer a.Close()
	if err := a.Tenants.Revoke(ctx, *id); err != nil {
		return fail(s, "key revoke", err)
	}
	printJSON(s.out, map[string]any{"key_id": *id, "revoked": true})
	return exitOK
}
