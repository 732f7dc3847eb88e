package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"lastmile/internal/model"
)

// runUserCreate makes a console user (or gives an existing one a role in another shop). The
// password is read from stdin, never from a flag, so that it stays out of the shell history
// and the process list.
func runUserCreate(ctx context.Context, args []string, s stdio) int {
	fs := newFlags("user create", "user create --shop ID --email E --password-stdin [--role owner|operator|viewer] [--db URL]", s)
	db := dbFlag(fs)
	shop := fs.String("shop", "", "the shop the user gets a role in")
	email := fs.String("email", "", "the user's email, which they log in with")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of stdin (required)")
	role := fs.String("role", "owner", "owner, operator or viewer")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *shop == "" || *email == "" || !*fromStdin {
		fmt.Fprintln(s.err, "lastmile user create: --shop, --email and --password-stdin are required")
		fs.Usage()
		return exitUsage
	}
	// An empty stdin is allowed: it gives an existing user a role in another shop (a new
	// user's password is then refused as too short).
	line, err := bufio.NewReader(s.in).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fail(s, "user create", fmt.Errorf("read the password from stdin: %w", err))
	}
	password := strings.TrimRight(line, "\r\n")
	a, err := openApp(ctx, *db, s)
	if err != nil {
		return fail(s, "user create", err)
	}
	defer a.Close()
	u, created, err := a.Accounts.CreateUser(ctx, *email, password, *shop, model.Role(*role))
	if err != nil {
		return fail(s, "user create", err)
	}
	roles := map[string]string{}
	for k, v := range u.Roles {
		roles[k] = string(v)
	}
	printJSON(s.out, map[string]any{"user_id": u.ID, "email": u.Email, "created": created, "roles": roles})
	return exitOK
}
