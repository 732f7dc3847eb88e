package app

import (
	"context"
	"net/http"
	"strings"
	"time"

	"lastmile/internal/account"
	"lastmile/internal/web"
)

// startConsole builds the console: its accounts, its pages and the hourly sweep of expired
// sessions.
func (a *App) startConsole() error {
	a.Accounts = account.NewService(a.Store, account.Config{}, a.now, a.log)
	if err := a.Jobs.Every("console.sessions.sweep", time.Hour, a.sweepSessions); err != nil {
		return err
	}
	var err error
	a.Web, err = web.New(web.Deps{Accounts: a.Accounts, Tenants: a.Tenants, Store: a.Store, Orders: a.Orders, Inventory: a.Inventory,
		Shipping: a.Shipping, Returns: a.Returns, Settings: a.Settings, Markets: a.Config.Markets, Tracker: a.Tracker, Notify: a.Notify, TikTok: a.TikTok, Log: a.log, Now: a.now})
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

// sweepSessions deletes the console sessions that have expired.
func (a *App) sweepSessions(ctx context.Context) error {
	n, err := a.Store.DeleteExpiredSessions(ctx, a.now())
	if n > 0 {
		a.log.Info("swept expired console sessions", "count", n)
	}
	return err
}
