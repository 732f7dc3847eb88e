package app

import (
	"net/http"
	"strings"

	"lastmile/internal/account"
	"lastmile/internal/web"
)

// startConsole builds the console: its accounts and its pages.
func (a *App) startConsole() error {
	a.Accounts = account.NewService(a.Store, account.Config{}, a.now, a.log)
	var err error
	a.Web, err = web.New(web.Deps{Accounts: a.Accounts, Store: a.Store, Orders: a.Orders, Inventory: a.Inventory,
		Shipping: a.Shipping, Returns: a.Returns, Settings: a.Settings, Log: a.log, Now: a.now})
	return err
}

// Handler is the server's handler: the console's pages for people in a browser, and the API
// (/v1, health, metrics and everything else) as it always was.
func (a *App) Handler() http.Handler {
	if a.Web == nil {
		return a.API
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if web.Serves(r.URL.Path) && !strings.HasPrefix(r.URL.Path, "/v1/") {
			a.Web.ServeHTTP(w, r)
			return
		}
		a.API.ServeHTTP(w, r)
	})
}
