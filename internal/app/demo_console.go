package app

import (
	"context"
	"fmt"

	"lastmile/internal/model"
)

// Demo console login: fixed, printed at every start, because the demo listens on loopback only
// and exists to be tried.
const (
	demoEmail    = "demo@example.com"
	demoPassword = "lastmile-demo"
)

// demoConsole makes the demo's console user, owner of every demo shop (whose stocked warehouses
// demoWarehouse makes, so an order can be shipped from the browser at once). It reuses the user
// on later runs and returns the lines to print.
func (a *App) demoConsole(ctx context.Context, shopIDs []string) (func(host string) string, error) {
	for _, id := range shopIDs {
		if _, _, err := a.Accounts.CreateUser(ctx, demoEmail, demoPassword, id, model.RoleOwner); err != nil {
			return nil, fmt.Errorf("demo console user: %w", err)
		}
	}
	return func(host string) string {
		return fmt.Sprintf(`
Console (in a browser; English or 中文): http://%s/
  email %s, password %s (the US demo shop can ship at once)
`, host, demoEmail, demoPassword)
	}, nil
}
