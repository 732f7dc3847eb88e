package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// TestUserCreate: the contract's command makes an owner from a password on stdin, gives the same
// person a role in a second shop, and refuses a missing password, a short one and a bad role;
// on both stores.
func TestUserCreate(t *testing.T) {
	t.Parallel()
	for name, db := range databases(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			var shops []string
			for _, n := range []string{"A", "B"} {
				out, errOut, code := runCLI(t, "shop", "create", "--db", db, "--name", n, "--market", "US")
				var sc shopCreated
				if code != 0 || json.Unmarshal([]byte(out), &sc) != nil {
					t.Fatalf("shop create: %d %s %s", code, out, errOut)
				}
				shops = append(shops, sc.ShopID)
			}
			user := func(stdin string, args ...string) (string, string, int) {
				var out, errb bytes.Buffer
				code := run(ctx, append([]string{"user", "create", "--db", db}, args...), stdio{in: strings.NewReader(stdin), out: &out, err: &errb})
				return out.String(), errb.String(), code
			}
			out, errOut, code := user("correct horse battery\n", "--shop", shops[0], "--email", "Owner@Example.com", "--password-stdin", "--role", "owner")
			var got struct {
				UserID  string `json:"user_id"`
				Email   string
				Created bool
				Roles   map[string]string
			}
			if code != 0 || json.Unmarshal([]byte(out), &got) != nil || !got.Created || got.Email != "owner@example.com" || got.Roles[shops[0]] != "owner" {
				t.Fatalf("user create: %d %s %s", code, out, errOut)
			}
			out, _, code = user("", "--shop", shops[1], "--email", "owner@example.com", "--password-stdin", "--role", "operator")
			if code != 0 || json.Unmarshal([]byte(out), &got) != nil || got.Created || got.Roles[shops[1]] != "operator" || got.Roles[shops[0]] != "owner" {
				t.Fatalf("second shop: %d %s", code, out)
			}
			if _, _, code := user("x\n", "--shop", shops[0], "--email", "a@example.com"); code == 0 {
				t.Error("accepted without --password-stdin")
			}
			if _, errOut, code := user("short\n", "--shop", shops[0], "--email", "b@example.com", "--password-stdin"); code == 0 || !strings.Contains(errOut, "password") {
				t.Errorf("a short password: %d %s", code, errOut)
			}
			if _, _, code := user("long enough password\n", "--shop", shops[0], "--email", "c@example.com", "--password-stdin", "--role", "admin"); code == 0 {
				t.Error("accepted an unknown role")
			}
		})
	}
}
