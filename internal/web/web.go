// Package web is the seller console: server-rendered pages (html/template, embedded in the
// binary with their stylesheet and a little script; no CDN, works offline) for the people who
// confirm, fix and ship orders every day. People log in with email and password
// (internal/account); every form carries the session's CSRF token; each page is in English or
// Chinese from the one message catalogue (internal/i18n). The pages call the same domain
// services as the API, within the shop the person chose and their role in it.
package web

import (
	"crypto/subtle"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"lastmile/internal/account"
	"lastmile/internal/config"
	"lastmile/internal/i18n"
	"lastmile/internal/inventory"
	"lastmile/internal/model"
	"lastmile/internal/notify"
	"lastmile/internal/order"
	"lastmile/internal/returns"
	"lastmile/internal/settings"
	"lastmile/internal/shipping"
	"lastmile/internal/store"
	"lastmile/internal/tenant"
	"lastmile/internal/tiktokshop"
	"lastmile/internal/tracker"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Deps is what the console needs from the rest of lastmile.
type Deps struct {
	Accounts *account.Service
	// Tenants makes and revokes API keys (Settings → API keys).
	Tenants   *tenant.Service
	Store     store.Store
	Orders    *order.Service
	Inventory *inventory.Service
	Shipping  *shipping.Service
	Returns   *returns.Service
	Settings  *settings.Service
	// Markets are the configured markets' figures, shown beside a shop's own.
	Markets map[model.Market]config.Market
	// Tracker is tracking, clocks, exceptions and scores; without it the pages leave them out.
	Tracker *tracker.Service
	// TikTok is the TikTok Shop integration; nil when no app is configured (the page then
	// shows the connections without a sync button).
	TikTok *tiktokshop.Service
	// Notify is the outbound webhooks; without it the webhooks page is not found.
	Notify *notify.Service
	Log    *slog.Logger
	Now    func() time.Time
}

// Handler serves the console's pages.
type Handler struct {
	d     Deps
	mux   *http.ServeMux
	pages map[string]*template.Template
	weeks weekCache // past weeks' scores for the LTS trend
}

// Cookie names.
const (
	sessionCookie = "lm_session"
	preCSRFCookie = "lm_csrf" // the login form's CSRF token, before there is a session
	langCookie    = "lm_lang" // the language chosen before logging in
	shopCookie    = "lm_shop" // the shop chosen among the user's
	csrfField     = "csrf_token"
)

// paths are the console's top-level paths; everything else is the API's.
var paths = []string{"/", "/login", "/logout", "/orders", "/ship", "/stock", "/returns", "/exceptions", "/performance", "/settings", "/static"}

// Serves reports whether path is the console's (the server sends the rest to the API).
func Serves(path string) bool {
	for _, p := range paths {
		if path == p || (p != "/" && strings.HasPrefix(path, p+"/")) {
			return true
		}
	}
	return false
}

// New parses the templates and returns the console.
func New(d Deps) (*Handler, error) {
	h := &Handler{d: d, mux: http.NewServeMux(), pages: map[string]*template.Template{}}
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", n)
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", n, err)
		}
		h.pages[base] = t
	}
	static, _ := fs.Sub(staticFiles, "static")
	h.mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	h.mux.HandleFunc("GET /login", h.loginPage)
	h.mux.HandleFunc("POST /login", h.login)
	h.mux.HandleFunc("POST /logout", h.session(h.logout))
	h.mux.HandleFunc("GET /{$}", h.session(h.today))
	h.mux.HandleFunc("GET /orders", h.session(h.orders))
	h.mux.HandleFunc("GET /orders/{id}", h.session(h.orderPage))
	h.mux.HandleFunc("POST /orders/{id}/fix", h.session(h.operator(h.fixOrder)))
	h.mux.HandleFunc("POST /orders/{id}/confirm", h.session(h.operator(h.confirmOrder)))
	h.mux.HandleFunc("POST /orders/{id}/push", h.session(h.operator(h.retryPush)))
	h.mux.HandleFunc("GET /ship", h.session(h.shipPage))
	h.mux.HandleFunc("POST /ship", h.session(h.operator(h.ship)))
	h.mux.HandleFunc("GET /ship/batches/{id}", h.session(h.batchPage))
	h.mux.HandleFunc("GET /ship/batches/{id}/progress", h.session(h.batchProgress))
	h.mux.HandleFunc("GET /ship/batches/{id}/labels", h.session(h.batchLabels))
	h.mux.HandleFunc("POST /ship/manifest", h.session(h.operator(h.createManifest)))
	h.mux.HandleFunc("GET /ship/manifests/{id}", h.session(h.manifestDocument))
	h.mux.HandleFunc("GET /ship/shipments/{id}/label", h.session(h.shipmentLabel))
	h.mux.HandleFunc("GET /stock", h.session(h.stockPage))
	h.mux.HandleFunc("POST /stock/import", h.session(h.operator(h.stockImport)))
	h.mux.HandleFunc("GET /returns", h.session(h.returnsPage))
	h.mux.HandleFunc("POST /returns/{id}/decide", h.session(h.operator(h.decideReturn)))
	h.mux.HandleFunc("POST /returns/{id}/receive", h.session(h.operator(h.receiveReturn)))
	h.mux.HandleFunc("GET /exceptions", h.session(h.exceptionsPage))
	h.mux.HandleFunc("POST /exceptions/{id}/resolve", h.session(h.operator(h.resolveException)))
	h.mux.HandleFunc("GET /performance", h.session(h.performance))
	h.mux.HandleFunc("GET /settings", h.session(h.settingsPage))
	h.mux.HandleFunc("POST /settings/language", h.session(h.saveLanguage))
	h.mux.HandleFunc("POST /settings/figures", h.session(h.owner(h.saveFigures)))
	h.mux.HandleFunc("POST /settings/carriers", h.session(h.owner(h.saveCarriers)))
	h.mux.HandleFunc("POST /settings/users", h.session(h.owner(h.addUser)))
	h.mux.HandleFunc("POST /settings/users/{id}/role", h.session(h.owner(h.changeRole)))
	h.mux.HandleFunc("POST /settings/users/{id}/remove", h.session(h.owner(h.removeRole)))
	h.mux.HandleFunc("GET /settings/keys", h.session(h.owner(h.keysPage)))
	h.mux.HandleFunc("POST /settings/keys", h.session(h.owner(h.createKey)))
	h.mux.HandleFunc("POST /settings/keys/revoke", h.session(h.owner(h.revokeKey)))
	h.mux.HandleFunc("GET /settings/tiktok", h.session(h.tiktokPage))
	h.mux.HandleFunc("POST /settings/tiktok/{id}/sync", h.session(h.operator(h.syncConnection)))
	h.mux.HandleFunc("GET /settings/webhooks", h.session(h.operator(h.webhooksPage)))
	h.mux.HandleFunc("POST /settings/webhooks", h.session(h.operator(h.createWebhook)))
	h.mux.HandleFunc("POST /settings/webhooks/{id}/enabled", h.session(h.operator(h.toggleWebhook)))
	h.mux.HandleFunc("POST /settings/webhooks/deliveries/{id}/replay", h.session(h.operator(h.replayDelivery)))
	return h, nil
}

// ServeHTTP implements http.Handler: security headers, then the pages.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "same-origin")
	hd.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'")
	h.mux.ServeHTTP(w, r)
}

// request is one signed-in request: who, in which shop, with which role and language.
type request struct {
	r       *http.Request
	token   string
	sess    model.Session
	user    model.User
	shop    model.Shop
	shops   []model.Shop
	role    model.Role
	lang    i18n.Lang
	flash   string
	problem string
}

func (q *request) scope() model.Scope { return model.Scope{ShopIDs: []string{q.shop.ID}} }

type handlerFunc func(w http.ResponseWriter, q *request)

// session resolves the session cookie, the language and the shop, checks the CSRF token of
// every POST, and calls next; without a session a GET goes to /login and a POST is refused.
func (h *Handler) session(next handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(sessionCookie)
		var q request
		if err == nil {
			q.sess, q.user, err = h.d.Accounts.Session(r.Context(), c.Value)
			q.token = c.Value
		}
		if err != nil {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/login", http.StatusSeeOther)
				return
			}
			h.forbidden(w, r, i18n.EN, "web.csrf.failed")
			return
		}
		q.r = r
		if l, ok := i18n.Parse(r.URL.Query().Get("lang")); ok && string(l) != q.sess.Lang {
			if err := h.d.Accounts.SetLang(r.Context(), q.sess, string(l)); err == nil {
				q.sess.Lang = string(l)
			}
		}
		q.lang = i18n.Negotiate(q.sess.Lang, q.user.Lang, r.Header.Get("Accept-Language"))
		if r.Method == http.MethodPost && !validCSRF(r, q.sess.CSRF) {
			h.forbidden(w, r, q.lang, "web.csrf.failed")
			return
		}
		if err := h.chooseShop(w, &q); err != nil {
			h.fail(w, &q, err)
			return
		}
		next(w, &q)
	}
}

// validCSRF compares the form's token with want in constant time.
func validCSRF(r *http.Request, want string) bool {
	got := r.FormValue(csrfField)
	if r.MultipartForm == nil && strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		got = r.FormValue(csrfField)
	}
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// chooseShop picks the shop: ?shop= (remembered in a cookie), else the cookie's, else the
// user's first. A user with no shop sees nothing.
func (h *Handler) chooseShop(w http.ResponseWriter, q *request) error {
	ids := make([]string, 0, len(q.user.Roles))
	for id := range q.user.Roles {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		sh, err := h.d.Store.GetShop(q.r.Context(), id)
		if err != nil {
			return err
		}
		q.shops = append(q.shops, sh)
	}
	if len(q.shops) == 0 {
		return fmt.Errorf("user %s has no shop: %w", q.user.Email, model.ErrNotFound)
	}
	want := q.r.URL.Query().Get("shop")
	if want != "" {
		http.SetCookie(w, &http.Cookie{Name: shopCookie, Value: want, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: q.r.TLS != nil})
	} else if c, err := q.r.Cookie(shopCookie); err == nil {
		want = c.Value
	}
	q.shop = q.shops[0]
	for _, sh := range q.shops {
		if sh.ID == want {
			q.shop = sh
		}
	}
	q.role = q.user.Roles[q.shop.ID]
	return nil
}

// operator lets owners and operators through; a viewer gets 403.
func (h *Handler) operator(next handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, q *request) {
		if !q.role.CanOperate() {
			h.forbidden(w, q.r, q.lang, "web.forbidden")
			return
		}
		next(w, q)
	}
}

func (h *Handler) forbidden(w http.ResponseWriter, r *http.Request, lang i18n.Lang, key string) {
	w.Header().Set("Content-Language", string(lang))
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusForbidden)
	h.pages["error"].Execute(w, page{Lang: lang, Title: i18n.T(lang, "web.error.title", nil), Message: i18n.T(lang, key, nil)})
}

// fail shows an error page: a domain refusal as 4xx with its message, anything else as 500
// with the details in the log.
func (h *Handler) fail(w http.ResponseWriter, q *request, err error) {
	status, msg := http.StatusInternalServerError, i18n.T(q.lang, "web.error.title", nil)
	var ve *model.ValidationError
	switch {
	case errors.Is(err, model.ErrNotFound):
		status, msg = http.StatusNotFound, i18n.T(q.lang, "web.notfound", nil)
	case errors.As(err, &ve):
		status, msg = http.StatusUnprocessableEntity, problemText(q.lang, ve.Problems)
	case errors.Is(err, model.ErrInvalid), errors.Is(err, model.ErrConflict):
		status, msg = http.StatusConflict, err.Error()
	default:
		h.d.Log.Error("console page failed", "path", q.r.URL.Path, "err", err)
	}
	w.Header().Set("Content-Language", string(q.lang))
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	h.pages["error"].Execute(w, h.base(q, "web.error.title", msg))
}

// page is what every template gets.
type page struct {
	Lang    i18n.Lang
	Title   string
	Nav     string
	CSRF    string
	User    string
	Role    model.Role
	Shop    model.Shop
	Shops   []model.Shop
	Flash   string
	Message string
	Path    string
	Data    any
}

func (h *Handler) base(q *request, titleKey, msg string) page {
	return page{Lang: q.lang, Title: i18n.T(q.lang, titleKey, nil), CSRF: q.sess.CSRF, User: q.user.Email, Role: q.role,
		Shop: q.shop, Shops: q.shops, Message: msg, Path: q.r.URL.Path, Flash: q.r.URL.Query().Get("flash")}
}

// render writes a page in the request's language.
func (h *Handler) render(w http.ResponseWriter, q *request, name, titleKey string, data any) {
	h.renderStatus(w, q, http.StatusOK, name, titleKey, data)
}

// renderStatus is render with a status other than 200 (a form refused: 422).
func (h *Handler) renderStatus(w http.ResponseWriter, q *request, status int, name, titleKey string, data any) {
	p := h.base(q, titleKey, "")
	p.Nav, p.Data = name, data
	w.Header().Set("Content-Language", string(q.lang))
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if err := h.pages[name].Execute(w, p); err != nil {
		h.d.Log.Error("console template", "page", name, "err", err)
	}
}

// redirect sends the browser to path after a POST, with a message to show.
func redirect(w http.ResponseWriter, r *http.Request, path, flash string) {
	if flash != "" {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		path += sep + "flash=" + url.QueryEscape(flash)
	}
	http.Redirect(w, r, path, http.StatusSeeOther)
}

// loginPage shows the login form with a fresh pre-session CSRF token (double-submit: the
// token is in a cookie and in the form, and must match).
func (h *Handler) loginPage(w http.ResponseWriter, r *http.Request) {
	h.showLogin(w, r, http.StatusOK, "")
}

func (h *Handler) showLogin(w http.ResponseWriter, r *http.Request, status int, msgKey string) {
	lang := loginLang(w, r)
	token := account.NewToken()
	http.SetCookie(w, &http.Cookie{Name: preCSRFCookie, Value: token, Path: "/login", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil, MaxAge: 3600})
	p := page{Lang: lang, Title: i18n.T(lang, "web.login.title", nil), CSRF: token, Nav: "login"}
	if msgKey != "" {
		p.Message = i18n.T(lang, msgKey, nil)
	}
	w.Header().Set("Content-Language", string(lang))
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	h.pages["login"].Execute(w, p)
}

// loginLang is the language before login: ?lang= (remembered in a cookie), the cookie, the
// browser's.
func loginLang(w http.ResponseWriter, r *http.Request) i18n.Lang {
	stored := ""
	if l, ok := i18n.Parse(r.URL.Query().Get("lang")); ok {
		stored = string(l)
		http.SetCookie(w, &http.Cookie{Name: langCookie, Value: stored, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	} else if c, err := r.Cookie(langCookie); err == nil {
		stored = c.Value
	}
	return i18n.Negotiate("", stored, r.Header.Get("Accept-Language"))
}

// login checks the form's CSRF token against its cookie, then the email and password, and
// sets the session cookie.
func (h *Handler) login(w http.ResponseWriter, r *http.Request) {
	c, err := r.Cookie(preCSRFCookie)
	if err != nil || !validCSRF(r, c.Value) {
		h.forbidden(w, r, loginLang(w, r), "web.csrf.failed")
		return
	}
	addr, _, _ := net.SplitHostPort(r.RemoteAddr)
	token, se, err := h.d.Accounts.Login(r.Context(), r.FormValue("email"), r.FormValue("password"), addr)
	switch {
	case errors.Is(err, account.ErrRateLimited):
		h.showLogin(w, r, http.StatusTooManyRequests, "web.login.limited")
		return
	case errors.Is(err, account.ErrBadLogin):
		h.showLogin(w, r, http.StatusUnauthorized, "web.login.failed")
		return
	case err != nil:
		h.d.Log.Error("console login", "err", err)
		h.showLogin(w, r, http.StatusServiceUnavailable, "web.error.title")
		return
	}
	if lc, err := r.Cookie(langCookie); err == nil {
		if l, ok := i18n.Parse(lc.Value); ok {
			h.d.Accounts.SetLang(r.Context(), se, string(l))
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: r.TLS != nil, Expires: se.ExpiresAt})
	http.SetCookie(w, &http.Cookie{Name: preCSRFCookie, Value: "", Path: "/login", MaxAge: -1})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (h *Handler) logout(w http.ResponseWriter, q *request) {
	if err := h.d.Accounts.Logout(q.r.Context(), q.token); err != nil {
		h.fail(w, q, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: q.r.TLS != nil})
	http.Redirect(w, q.r, "/login", http.StatusSeeOther)
}

// saveLanguage stores the user's language preference (and the session's).
func (h *Handler) saveLanguage(w http.ResponseWriter, q *request) {
	l, ok := i18n.Parse(q.r.FormValue("lang"))
	if !ok {
		h.fail(w, q, &model.ValidationError{Problems: []model.FieldError{{Code: "invalid_value", Field: "lang", Message: "lang is en or zh-CN"}}})
		return
	}
	ctx := q.r.Context()
	if err := errors.Join(h.d.Accounts.SetUserLang(ctx, q.user.ID, string(l)), h.d.Accounts.SetLang(ctx, q.sess, string(l))); err != nil {
		h.fail(w, q, err)
		return
	}
	redirect(w, q.r, "/settings", i18n.T(l, "web.saved", nil))
}

// problemText joins problems for a page, each in the language.
func problemText(lang i18n.Lang, ps []model.FieldError) string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = problemMessage(lang, p.Code, p.Field, p.Message)
	}
	return strings.Join(out, " ")
}

// problemMessage is a problem's message in lang: the English one as it came, or the
// catalogue's for its code.
func problemMessage(lang i18n.Lang, code, field, msg string) string {
	if lang == i18n.EN {
		return msg
	}
	key := "api.error." + code
	if !i18n.Has(key) {
		key = "api.error.generic"
	}
	return i18n.T(lang, key, i18n.Args{"field": field, "code": code, "detail": msg})
}
