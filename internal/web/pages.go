package web

import (
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"lastmile/internal/i18n"
	"lastmile/internal/inventory"
	"lastmile/internal/inventory/inventorycsv"
	"lastmile/internal/model"
	"lastmile/internal/order"
	"lastmile/internal/rating"
	"lastmile/internal/returns"
	"lastmile/internal/shipping"
	"lastmile/internal/store"
)

// funcs are the templates' helpers.
var funcs = template.FuncMap{
	"t": func(lang i18n.Lang, key string, args ...any) string {
		a := i18n.Args{}
		for i := 0; i+1 < len(args); i += 2 {
			a[fmt.Sprint(args[i])] = args[i+1]
		}
		return i18n.T(lang, key, a)
	},
	"status": func(lang i18n.Lang, s model.Status) string {
		if k := "web.status." + string(s); i18n.Has(k) {
			return i18n.T(lang, k, nil)
		}
		return string(s)
	},
	"when": func(t time.Time, loc string) string {
		if t.IsZero() {
			return ""
		}
		if l, err := time.LoadLocation(loc); err == nil {
			t = t.In(l)
		}
		return t.Format("2006-01-02 15:04")
	},
	"problem": func(lang i18n.Lang, p model.Problem) string {
		msg := problemMessage(lang, p.Code, p.Field, p.Message)
		if lang == i18n.EN && p.Suggestion != "" {
			msg += "; " + p.Suggestion
		}
		return msg
	},
	// xtype is an exception type in lang (the type itself when the catalogue lacks it).
	"xtype": func(lang i18n.Lang, typ string) string {
		if k := "web.exceptions.type." + typ; i18n.Has(k) {
			return i18n.T(lang, k, nil)
		}
		return typ
	},
	// dstate is a deadline state in lang.
	"dstate": func(lang i18n.Lang, state string) string {
		if k := "web.deadline.state." + state; i18n.Has(k) {
			return i18n.T(lang, k, nil)
		}
		return state
	},
	// dict makes a map of key, value pairs for a sub-template.
	"dict": func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[fmt.Sprint(kv[i])] = kv[i+1]
		}
		return m
	},
	"hours":      func(h float64) string { return formatFloat(h, 1) },
	"receivable": receivable,
	"outcomes":   func() []model.InspectionOutcome { return inspectionOutcomes },
	"eq":         func(a, b any) bool { return fmt.Sprint(a) == fmt.Sprint(b) },
	"sub":        func(a, b int) int { return a - b },
}

// pageSize is the orders page's length: server-side paging by the store's (modified_at, id)
// cursor, which an index serves whatever the number of orders.
const pageSize = 50

// today lists what needs doing now: orders to confirm, orders to ship, held orders, low stock,
// and from the tracker the deadlines at risk or breached and the open exceptions.
func (h *Handler) today(w http.ResponseWriter, q *request) {
	ctx, sc := q.r.Context(), q.scope()
	held := true
	toShip, _, err1 := h.d.Orders.List(ctx, sc, order.ListQuery{Statuses: []model.Status{model.StatusAwaitingShipment}, Limit: 20})
	heldOrders, _, err2 := h.d.Orders.List(ctx, sc, order.ListQuery{NeedsAttention: &held, Limit: 20})
	low, err3 := h.d.Inventory.Levels(ctx, sc, inventory.LevelQuery{LowOnly: true, Limit: 20})
	if err := errors.Join(err1, err2, err3); err != nil {
		h.fail(w, q, err)
		return
	}
	var confirm, ship []model.Order
	for _, o := range toShip {
		switch {
		case o.NeedsAttention:
		case o.ConfirmedAt == nil:
			confirm = append(confirm, o)
		default:
			ship = append(ship, o)
		}
	}
	data := map[string]any{"Confirm": confirm, "Ship": ship, "Held": heldOrders, "Low": low}
	if h.d.Tracker != nil {
		v := q.r.URL.Query()
		risk, riskNext, err1 := h.deadlinesAtRisk(ctx, sc, store.DeadlineAtRisk, v.Get("risk_after"))
		breached, breachedNext, err2 := h.deadlinesAtRisk(ctx, sc, store.DeadlineBreached, v.Get("breached_after"))
		riskN, breachedN, err3 := h.d.Store.CountOpenDeadlines(ctx, sc.ShopIDs)
		open, err4 := h.openExceptions(ctx, sc.ShopIDs)
		if err := errors.Join(err1, err2, err3, err4); err != nil {
			h.fail(w, q, err)
			return
		}
		data["AtRiskN"], data["BreachedN"] = riskN, breachedN
		data["AtRisk"], data["Breached"], data["OpenExceptions"], data["Tracked"] = risk, breached, open, true
		data["RiskNext"], data["BreachedNext"] = riskNext, breachedNext
		data["RiskPaged"], data["BreachedPaged"] = v.Get("risk_after") != "", v.Get("breached_after") != ""
	}
	h.render(w, q, "today", "web.today.title", data)
}

// orders is the orders list: filter by status and problem (held), one page at a time.
func (h *Handler) orders(w http.ResponseWriter, q *request) {
	v := q.r.URL.Query()
	lq := order.ListQuery{Limit: pageSize}
	if s := v.Get("status"); s != "" {
		lq.Statuses = []model.Status{model.Status(s)}
	}
	if v.Get("problem") == "held" {
		held := true
		lq.NeedsAttention = &held
	}
	if c := v.Get("after"); c != "" {
		cur, ok := decodeCursor(c)
		if !ok {
			h.fail(w, q, &model.ValidationError{Problems: []model.FieldError{{Code: "invalid_cursor", Field: "after", Message: "the page link is not valid; start again from the first page"}}})
			return
		}
		lq.After = &cur
	}
	list, next, err := h.d.Orders.List(q.r.Context(), q.scope(), lq)
	if err != nil {
		h.fail(w, q, err)
		return
	}
	nextURL := ""
	if next != nil {
		nv := cloneValues(v)
		nv.Set("after", encodeCursor(*next))
		nextURL = "/orders?" + nv.Encode()
	}
	h.render(w, q, "orders", "web.orders.title", map[string]any{"Orders": list, "Next": nextURL, "Status": v.Get("status"),
		"Problem": v.Get("problem"), "Statuses": allStatuses, "Paged": v.Get("after") != ""})
}

var allStatuses = []model.Status{model.StatusUnpaid, model.StatusOnHold, model.StatusAwaitingShipment, model.StatusPartiallyShipping,
	model.StatusAwaitingCollection, model.StatusInTransit, model.StatusDelivered, model.StatusCompleted, model.StatusCancelled}

// orderPage shows one order: its problems with the fix form, its address, lines, timeline
// (history), shipments, and from the tracker its deadlines and its shipments' carrier events.
func (h *Handler) orderPage(w http.ResponseWriter, q *request) {
	ctx := q.r.Context()
	o, err := h.d.Orders.Get(ctx, q.scope(), q.r.PathValue("id"))
	if err != nil {
		h.fail(w, q, err)
		return
	}
	ships, err := h.d.Shipping.Shipments(ctx, store.ShipmentQuery{ShopIDs: q.scope().ShopIDs, OrderID: o.ID, Limit: 100})
	if err != nil {
		h.fail(w, q, err)
		return
	}
	deadlines, tracks, err := h.orderClocks(ctx, q.scope().ShopIDs, o.ID, ships)
	if err != nil {
		h.fail(w, q, err)
		return
	}
	h.render(w, q, "order", "web.orders.title", map[string]any{"Order": o, "Shipments": ships, "Deadlines": deadlines, "Tracking": tracks})
}

// fixOrder corrects the held order's shipping address from the form (a merge patch of the
// fields sent), then shows it again: fixed, or with the problems that remain.
func (h *Handler) fixOrder(w http.ResponseWriter, q *request) {
	id := q.r.PathValue("id")
	var ap order.AddressPatch
	set := func(f *order.Field[string], name string) {
		if v, ok := q.r.PostForm[name]; ok {
			*f = order.Field[string]{Set: true, Value: strings.TrimSpace(v[0])}
		}
	}
	set(&ap.Name, "name")
	set(&ap.Line1, "line1")
	set(&ap.Line2, "line2")
	set(&ap.City, "city")
	set(&ap.Region, "region")
	set(&ap.PostalCode, "postal_code")
	set(&ap.Country, "country")
	set(&ap.Phone, "phone")
	if _, err := h.d.Orders.Correct(q.r.Context(), q.scope(), id, order.Patch{ShippingAddress: &ap}, "console"); err != nil {
		h.fail(w, q, err)
		return
	}
	redirect(w, q.r, "/orders/"+id, i18n.T(q.lang, "web.order.fixed", nil))
}

func (h *Handler) confirmOrder(w http.ResponseWriter, q *request) {
	id := q.r.PathValue("id")
	if _, err := h.d.Orders.Confirm(q.r.Context(), q.scope(), id, "console"); err != nil {
		h.fail(w, q, err)
		return
	}
	redirect(w, q.r, "/orders/"+id, i18n.T(q.lang, "web.order.confirmed", nil))
}

// shipPage lists the orders ready to ship (AWAITING_SHIPMENT, not held) and recent shipments.
func (h *Handler) shipPage(w http.ResponseWriter, q *request) {
	ctx, sc := q.r.Context(), q.scope()
	held := false
	ready, _, err := h.d.Orders.List(ctx, sc, order.ListQuery{Statuses: []model.Status{model.StatusAwaitingShipment}, NeedsAttention: &held, Limit: 200})
	if err != nil {
		h.fail(w, q, err)
		return
	}
	ships, err := h.d.Shipping.Shipments(ctx, store.ShipmentQuery{ShopIDs: sc.ShopIDs, Limit: 20})
	if err != nil {
		h.fail(w, q, err)
		return
	}
	h.render(w, q, "ship", "web.ship.title", map[string]any{"Ready": ready, "Shipments": ships,
		"Policies": []string{string(rating.Cheapest), string(rating.Fastest), string(rating.BestValue)}})
}

// ship starts a batch of the selected orders (or all ready ones) and shows its progress.
func (h *Handler) ship(w http.ResponseWriter, q *request) {
	req := shipping.BatchRequest{Options: shipping.Options{Policy: rating.Policy(q.r.FormValue("policy")), Confirm: true}}
	if q.r.FormValue("all_ready") == "on" {
		req.Filter = &shipping.BatchFilter{Ready: true}
	} else {
		req.OrderIDs = q.r.PostForm["order_id"]
	}
	if req.Filter == nil && len(req.OrderIDs) == 0 {
		redirect(w, q.r, "/ship", i18n.T(q.lang, "web.ship.none_selected", nil))
		return
	}
	b, err := h.d.Shipping.CreateBatch(q.r.Context(), q.scope(), req)
	if err != nil {
		h.fail(w, q, err)
		return
	}
	redirect(w, q.r, "/ship/batches/"+b.ID, "")
}

func (h *Handler) batchPage(w http.ResponseWriter, q *request) {
	b, items, err := h.batch(q)
	if err != nil {
		h.fail(w, q, err)
		return
	}
	h.render(w, q, "batch", "web.ship.title", map[string]any{"Batch": b, "Items": items})
}

func (h *Handler) batch(q *request) (model.Batch, []model.BatchItem, error) {
	id := q.r.PathValue("id")
	b, err := h.d.Shipping.Batch(q.r.Context(), q.scope(), id)
	if err != nil {
		return b, nil, err
	}
	items, err := h.d.Shipping.BatchItems(q.r.Context(), q.scope(), id, -1, 500)
	return b, items, err
}

// batchProgress is the batch's counts as JSON, which the page's script polls.
func (h *Handler) batchProgress(w http.ResponseWriter, q *request) {
	b, err := h.d.Shipping.Batch(q.r.Context(), q.scope(), q.r.PathValue("id"))
	if err != nil {
		h.fail(w, q, err)
		return
	}
	done := b.Total - b.Pending
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	fmt.Fprintf(w, `{"status":%q,"total":%d,"done":%d,"shipped":%d,"failed":%d,"skipped":%d,"text":%q}`,
		b.Status, b.Total, done, b.Shipped, b.Failed, b.Skipped, i18n.T(q.lang, "web.ship.progress", i18n.Args{"done": done, "total": b.Total}))
}

// batchLabels downloads the batch's labels as one PDF or ZPL document.
func (h *Handler) batchLabels(w http.ResponseWriter, q *request) {
	format := labelFormat(q.r)
	id := q.r.PathValue("id")
	if _, err := h.d.Shipping.Batch(q.r.Context(), q.scope(), id); err != nil {
		h.fail(w, q, err)
		return
	}
	setDownload(w, format, "labels-"+id)
	if err := h.d.Shipping.WriteBatchLabels(q.r.Context(), q.scope(), id, format, 0, w); err != nil {
		h.d.Log.Error("console labels", "batch", id, "err", err)
		panic(http.ErrAbortHandler)
	}
}

// shipmentLabel reprints one label.
func (h *Handler) shipmentLabel(w http.ResponseWriter, q *request) {
	format := labelFormat(q.r)
	doc, err := h.d.Shipping.Label(q.r.Context(), q.scope(), q.r.PathValue("id"), format, 0)
	if err != nil {
		h.fail(w, q, err)
		return
	}
	w.Header().Set("Content-Type", doc.ContentType)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="label-%s.%s"`, q.r.PathValue("id"), format))
	w.Write(doc.Content)
}

// createManifest makes today's manifest of the shop's labelled shipments and downloads it.
func (h *Handler) createManifest(w http.ResponseWriter, q *request) {
	m, err := h.d.Shipping.CreateManifest(q.r.Context(), q.scope(), shipping.ManifestRequest{
		Carrier: q.r.FormValue("carrier"), WarehouseID: q.r.FormValue("warehouse_id")})
	if err != nil {
		h.fail(w, q, err)
		return
	}
	redirect(w, q.r, "/ship/manifests/"+m.ID, "")
}

func (h *Handler) manifestDocument(w http.ResponseWriter, q *request) {
	id := q.r.PathValue("id")
	if _, err := h.d.Shipping.Manifest(q.r.Context(), q.scope(), id); err != nil {
		h.fail(w, q, err)
		return
	}
	setDownload(w, "pdf", "manifest-"+id)
	if err := h.d.Shipping.WriteManifest(q.r.Context(), q.scope(), id, "pdf", w); err != nil {
		h.d.Log.Error("console manifest", "manifest", id, "err", err)
		panic(http.ErrAbortHandler)
	}
}

func labelFormat(r *http.Request) string {
	if r.URL.Query().Get("format") == "zpl" {
		return "zpl"
	}
	return "pdf"
}

func setDownload(w http.ResponseWriter, format, name string) {
	ct := "application/pdf"
	if format == "zpl" {
		ct = "application/zpl"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.%s"`, name, format))
}

// stockPage shows stock levels (low ones marked), the latest ledger entries and the import form.
func (h *Handler) stockPage(w http.ResponseWriter, q *request) {
	h.showStock(w, q, nil)
}

type importRow struct {
	Row      int
	Key      string
	Status   string
	Problems string
}

func (h *Handler) showStock(w http.ResponseWriter, q *request, results []importRow) {
	ctx, sc := q.r.Context(), q.scope()
	levels, err1 := h.d.Inventory.Levels(ctx, sc, inventory.LevelQuery{LowOnly: q.r.URL.Query().Get("low") == "1", Limit: 200})
	moves, err2 := h.d.Inventory.Movements(ctx, sc, inventory.MovementFilter{Limit: 20})
	whs, err3 := h.d.Inventory.ListWarehouses(ctx, sc)
	if err := errors.Join(err1, err2, err3); err != nil {
		h.fail(w, q, err)
		return
	}
	names := map[string]string{}
	for _, wh := range whs {
		names[wh.ID] = wh.Code
	}
	h.render(w, q, "stock", "web.stock.title", map[string]any{"Levels": levels, "Moves": moves, "Warehouses": names, "Results": results})
}

// stockImport imports a stock file from the form and shows the result of every row.
func (h *Handler) stockImport(w http.ResponseWriter, q *request) {
	f, _, err := q.r.FormFile("file")
	if err != nil {
		h.fail(w, q, &model.ValidationError{Problems: []model.FieldError{{Code: "missing_field", Field: "file", Message: "choose a CSV file to import"}}})
		return
	}
	defer f.Close()
	rec := &rowCollector{lang: q.lang}
	rw := inventorycsv.NewResultWriter(rec)
	if q.lang != i18n.EN {
		rw.Translate(translator{q.lang})
	}
	_, err = h.d.Inventory.ImportCSV(q.r.Context(), q.scope(), q.shop.ID, f, rw, nil)
	var he *inventorycsv.HeaderError
	if errors.As(err, &he) {
		h.fail(w, q, &model.ValidationError{Problems: []model.FieldError{{Code: he.Code, Field: he.Column, Message: he.Message}}})
		return
	}
	if err != nil {
		h.fail(w, q, err)
		return
	}
	h.showStock(w, q, rec.rows())
}

// settingsPage shows the shop, its figures, its users and the language choice.
func (h *Handler) settingsPage(w http.ResponseWriter, q *request) {
	h.showSettings(w, q, http.StatusOK, settingsForm{})
}

// settingsForm is a refused form of the Settings page, shown again (422) with each problem by
// its field: the figures as typed, or the new user's email and role.
type settingsForm struct {
	Figures        map[string]string
	FigureProblems map[string]string
	Problem        string
	UserEmail      string
	UserRole       string
	UserProblems   map[string]string
	UserProblem    string
	// Carriers are the carriers ticked in a refused carriers form, with its problem.
	Carriers        []string
	CarriersProblem string
}

// showSettings renders the Settings page with status and the refused form f.
func (h *Handler) showSettings(w http.ResponseWriter, q *request, status int, f settingsForm) {
	users, err := h.d.Accounts.ShopUsers(q.r.Context(), q.shop.ID)
	if err != nil {
		h.fail(w, q, err)
		return
	}
	rows, eff, err := h.figureRows(q, f.Figures, f.FigureProblems)
	if err != nil {
		h.fail(w, q, err)
		return
	}
	carriers, err := h.carriersSection(q, eff, f.Carriers, f.CarriersProblem)
	if err != nil {
		h.fail(w, q, err)
		return
	}
	h.renderStatus(w, q, status, "settings", "web.settings.title", map[string]any{"Users": users, "Settings": eff, "Figures": rows, "Carriers": carriers,
		"Problem": f.Problem, "Form": f, "Roles": []model.Role{model.RoleOwner, model.RoleOperator, model.RoleViewer}})
}

// returnsPage lists the shop's returns, newest page first.
func (h *Handler) returnsPage(w http.ResponseWriter, q *request) {
	list, _, err := h.d.Returns.List(q.r.Context(), q.scope(), returns.ListQuery{Limit: 100})
	if err != nil {
		h.fail(w, q, err)
		return
	}
	h.render(w, q, "returns", "web.returns.title", map[string]any{"Returns": list})
}

func (h *Handler) decideReturn(w http.ResponseWriter, q *request) {
	_, err := h.d.Returns.Decide(q.r.Context(), q.scope(), q.r.PathValue("id"), returns.DecideRequest{Kind: q.r.FormValue("kind"), Reason: q.r.FormValue("reason")})
	if err != nil {
		h.fail(w, q, err)
		return
	}
	redirect(w, q.r, "/returns", i18n.T(q.lang, "web.saved", nil))
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// encodeCursor makes a page link's position: base64url("micros.id").
func encodeCursor(c store.Cursor) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(c.ModifiedAt.UnixMicro(), 10) + "." + c.ID))
}

func decodeCursor(s string) (store.Cursor, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return store.Cursor{}, false
	}
	us, id, ok := strings.Cut(string(b), ".")
	n, err := strconv.ParseInt(us, 10, 64)
	if !ok || err != nil || id == "" || !utf8.ValidString(id) || strings.ContainsRune(id, 0) {
		return store.Cursor{}, false
	}
	return store.Cursor{ModifiedAt: time.UnixMicro(n).UTC(), ID: id}, true
}
