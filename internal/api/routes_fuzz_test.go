package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	json2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"lastmile/internal/config"
	"lastmile/internal/model"
	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

// jsonRoutes are the routes of the server's table that take a JSON body: every POST, PUT and
// PATCH except the CSV imports.
func jsonRoutes(s *Server) []string {
	var out []string
	for _, rt := range s.routes() {
		method, path, _ := strings.Cut(rt.pattern, " ")
		if (method == "POST" || method == "PUT" || method == "PATCH") && !strings.HasSuffix(path, ":import") {
			out = append(out, rt.pattern)
		}
	}
	return out
}

// routeSeeds is a valid body for every JSON route: what the fuzz target mutates.
func routeSeeds(t testing.TB) map[string][]string {
	order, _ := json.Marshal(orderJSON("576461413038785752", tPaid, model.StatusAwaitingShipment))
	order2, _ := json.Marshal(orderJSON("fuzz-2", tPaid, model.StatusAwaitingShipment))
	wh, _ := json.Marshal(warehouseJSON("FUZ1"))
	label := `{"tracking_number":"1Z999AA10123456784","carrier":"ups","service":"ground","weight_g":450,` +
		`"from":{"name":"LA Fulfilment","line1":"1 Warehouse Way","city":"Los Angeles","region":"CA","postal_code":"90001","country":"US"},` +
		`"to":{"name":"Jane Doe","line1":"1600 Amphitheatre Pkwy","city":"Mountain View","region":"CA","postal_code":"94043","country":"US"}}`
	seeds := map[string][]string{
		"POST /v1/orders":                         {string(order)},
		"POST /v1/orders:batch":                   {`{"orders":[` + string(order) + `,` + string(order2) + `]}`, `{"orders":[null,{}]}`},
		"POST /v1/orders/{id}/confirm":            {`{}`, ``},
		"POST /v1/orders/{id}/cancel":             {`{"reason":"buyer asked"}`},
		"PATCH /v1/orders/{id}":                   {`{"shipping_address":{"name":"Jane Doe","line1":"1 Main St","city":"Austin","region":"TX","postal_code":"78701","country":"US","phone":"+15125550100"},"lines":[{"sku":"TSHIRT-RED-M","declared_name":"Cotton T-shirt"}]}`},
		"POST /v1/orders/{id}/allocate":           {`{}`, ``},
		"POST /v1/orders:allocate":                {`{"order_ids":["@ORDER@","ord_y"],"allow_split":false}`},
		"POST /v1/orders/{id}/release":            {`{"reason":"changed mind"}`},
		"POST /v1/warehouses":                     {string(wh)},
		"PUT /v1/warehouses/{id}":                 {string(wh)},
		"PUT /v1/warehouses/{id}/stock/{sku}":     {`{"on_hand":10,"safety_stock":2,"reason":"count"}`},
		"POST /v1/inventory/movements":            {`{"warehouse_id":"@WH@","sku":"TSHIRT-RED-M","kind":"receive","quantity":5,"reason":"PO 17"}`},
		"POST /v1/addresses/validate":             {`{"name":"Jane Doe","line1":"1600 Amphitheatre Pkwy","city":"Mountain View","region":"CA","postal_code":"94043","country":"US"}`, `{"addresses":[{"country":"GB","postal_code":"SW1A 1AA"}]}`},
		"POST /v1/tracking-numbers:check":         {`{"numbers":["1Z999AA10123456784","9400111899223197428490"]}`},
		"POST /v1/rates":                          {string(order)},
		"POST /v1/labels:render":                  {label, "[" + label + "," + label + "]"},
		"POST /v1/orders/{id}/rates":              {`{"policy":"cheapest"}`, ``},
		"PATCH /v1/shops/{id}/settings":           {`{"ship_within":"48h","promise_days":5}`},
		"POST /v1/rate-cards:reload":              {`{}`, ``},
		"POST /v1/orders/{id}/ship":               {`{"policy":"cheapest","confirm":true}`, ``},
		"POST /v1/shipments:batch":                {`{"order_ids":["@ORDER@","ord_y"],"policy":"fastest"}`, `{"filter":{"ready":true}}`},
		"POST /v1/shipments/{id}/void":            {`{}`, ``},
		"POST /v1/manifests":                      {`{"carrier":"usps","warehouse_id":"@WH@"}`},
		"POST /v1/manifests/{id}/handover":        {`{}`, ``},
		"POST /v1/returns":                        {`{"order_id":"@ORDER@","lines":[{"sku":"TSHIRT-RED-M","quantity":1}],"reason":"damaged","photos":["https://example.com/a.jpg"]}`},
		"POST /v1/returns/{id}/decide":            {`{"kind":"refund_only","reason":"small value"}`},
		"POST /v1/returns/{id}/receive":           {`{"lines":[{"sku":"TSHIRT-RED-M","quantity":1,"outcome":"restock"}]}`, ``},
		"PUT /v1/returns/rules":                   {`{"default":"return","rules":[{"name":"small","decision":"refund_only","value_below":{"amount":"10.00","currency":"USD"},"reasons":["damaged"]}]}`},
		"POST /v1/tracking-events:batch":          {`{"events":[{"tracking_number":"9400111899223197428490","carrier":"usps","code":"OA","description":"Accepted","occurred_at":"2026-11-21T08:00:00Z","location":{"city":"Reno","country":"US"}},null]}`},
		"POST /v1/exceptions/{id}/resolve":        {`{"note":"claim filed with the carrier"}`},
		"POST /webhooks/carriers/{carrier}":       {`{"carrier":"usps","delivery_id":"d1","sent_at":"2026-11-21T08:00:00Z","tracking":[{"tracking_number":"9400111899223197428490","events":[{"code":"OA","occurred_at":"2026-11-21T08:00:00Z"}]}]}`},
		"POST /v1/connections/tiktok":             {`{"auth_code":"sim_ac_x","tiktok_shop_id":"7495540735365770001"}`, `{"auth_code":"x"}`},
		"POST /v1/connections/{id}/sync":          {``, `{}`},
		"POST /v1/orders/{id}/push":               {``, `{}`},
		"POST /v1/cancellations/{id}/approve":     {``, `{}`},
		"POST /v1/cancellations/{id}/reject":      {`{"reason":"already handed to the carrier"}`},
		"POST /webhooks/tiktok":                   {`{"type":1,"tts_notification_id":"7380066284010030890","shop_id":"7495540735365777507","timestamp":1718305585,"data":{"is_on_hold_order":true,"order_id":"576653688135258178","order_status":"UNPAID","update_time":1718305585}}`},
		"POST /v1/returns/rules:dry-run":          {`{"rules":{"default":"review","rules":[]},"from":"2026-11-01T00:00:00Z","to":"2026-12-01T00:00:00Z"}`},
		"POST /v1/webhook-subscriptions":          {`{"url":"https://erp.example.com/hooks","events":["order.created","stock.low"]}`, `{"url":"http://127.0.0.1:9/h","events":["*"],"secret":"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}`},
		"PATCH /v1/webhook-subscriptions/{id}":    {`{"enabled":false}`},
		"POST /v1/webhook-deliveries/{id}/replay": {`{}`, ``},
		"POST /v1/message-templates":              {`{"kind":"shipped","language":"de","subject":"Unterwegs: {{.OrderNumber}}","body":"Hallo {{.BuyerName}}, {{.TrackingNumber}}"}`},
	}
	return seeds
}

// TestEveryJSONRouteHasAFuzzSeed keeps FuzzJSONRoutes complete: a new JSON route needs a seed.
func TestEveryJSONRouteHasAFuzzSeed(t *testing.T) {
	t.Parallel()
	e := newEnv(t, storetest.OpenSQLite(t), config.Config{})
	seeds := routeSeeds(t)
	for _, p := range jsonRoutes(e.srv) {
		if len(seeds[p]) == 0 {
			t.Errorf("%s has no seed in routeSeeds", p)
		}
	}
}

// fuzzEnv is one server over one store, with the ids the routes' paths need.
type fuzzEnv struct {
	srv     *Server
	store   store.Store
	key     string
	shopIDs []string
	orderID string
	whID    string
	lastSeq int64 // the ledger is read back from here on
	orders  int   // orders made for the orders' own routes
}

func newFuzzEnv(t testing.TB, st store.Store) *fuzzEnv {
	e := newEnv(t, st, config.Config{})
	sh, key := e.shop("Fuzz", "US")
	fe := &fuzzEnv{srv: e.srv, store: st, key: key, shopIDs: []string{sh.ID}}
	var o model.Order
	if r := fe.serve("POST", "/v1/orders", []byte(must(json.Marshal(orderJSON("fuzz-1", tPaid, model.StatusAwaitingShipment))))); r.Code != 201 || json.Unmarshal(r.Body.Bytes(), &o) != nil {
		t.Fatalf("seed order: %d %s", r.Code, r.Body)
	}
	var wh model.Warehouse
	if r := fe.serve("POST", "/v1/warehouses", must(json.Marshal(warehouseJSON("LAX1")))); r.Code != 201 || json.Unmarshal(r.Body.Bytes(), &wh) != nil {
		t.Fatalf("seed warehouse: %d %s", r.Code, r.Body)
	}
	fe.orderID, fe.whID = o.ID, wh.ID
	return fe
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func (fe *fuzzEnv) serve(method, path string, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+fe.key)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/zpl") // labels: the cheapest format to render
	rec := httptest.NewRecorder()
	fe.srv.ServeHTTP(rec, req)
	return rec
}

// request fills the pattern's wildcards, and the placeholders @ORDER@ and @WH@ of the body,
// with ids that exist. An order's own routes get a new order each time, so that one cancelled
// by an earlier input does not turn every later one into a 409.
func (fe *fuzzEnv) request(t *testing.T, pattern string, body []byte) (path string, _ []byte) {
	_, p, _ := strings.Cut(pattern, " ")
	id := fe.whID
	if strings.HasPrefix(p, "/v1/orders/{id}") {
		fe.orders++
		o := must(json.Marshal(orderJSON(fmt.Sprintf("fuzz-o-%d", fe.orders), tPaid, model.StatusAwaitingShipment)))
		var out model.Order
		if r := fe.serve("POST", "/v1/orders", o); r.Code != 201 || json.Unmarshal(r.Body.Bytes(), &out) != nil {
			t.Fatalf("order for %s: %d %s", pattern, r.Code, r.Body)
		}
		id = out.ID
	}
	body = bytes.ReplaceAll(bytes.ReplaceAll(body, []byte("@ORDER@"), []byte(fe.orderID)), []byte("@WH@"), []byte(fe.whID))
	return strings.NewReplacer("{id}", id, "{sku}", "TSHIRT-RED-M", "{carrier}", "usps").Replace(p), body
}

// FuzzJSONRoutes sends every JSON route (the server's own route table) bodies made from valid
// ones, mutated by the fuzzer and by op: a NUL, bytes that are not UTF-8, lone surrogates, a
// duplicate name or deep nesting put into the n-th string or member. On both stores
// (PostgreSQL when LASTMILE_TEST_POSTGRES is set) it must never answer 5xx (a panic is a 500),
// every 4xx must carry the error body with a code and a message, and after a 2xx no string
// that was stored (read back from the store) may hold a NUL or bytes that are not UTF-8.
func FuzzJSONRoutes(f *testing.F) {
	envs := []*fuzzEnv{newFuzzEnv(f, storetest.OpenSQLite(f))}
	if os.Getenv("LASTMILE_TEST_POSTGRES") != "" || os.Getenv("CI") != "" {
		envs = append(envs, newFuzzEnv(f, storetest.OpenPostgres(f)))
	}
	routes := jsonRoutes(envs[0].srv)
	seeds := routeSeeds(f)
	for ri, p := range routes {
		for _, s := range seeds[p] {
			for op := range numOps {
				f.Add(p, op, uint16(ri*7+int(op)), []byte(s))
			}
		}
	}
	f.Fuzz(func(t *testing.T, route string, op uint8, n uint16, body []byte) {
		// The route by its pattern, so that the corpus keeps its meaning when routes are added;
		// a pattern the fuzzer mangled still picks one.
		pattern := routes[len(route)%len(routes)]
		if slices.Contains(routes, route) {
			pattern = route
		}
		method, _, _ := strings.Cut(pattern, " ")
		body = mutate(body, op, int(n))
		for _, fe := range envs {
			path, body := fe.request(t, pattern, body)
			r := fe.serve(method, path, body)
			switch {
			case r.Code >= 500:
				t.Fatalf("%s %q: %d %s", pattern, body, r.Code, r.Body)
			case r.Code >= 400:
				var eb struct {
					Error *struct{ Code, Message string }
				}
				if err := json.Unmarshal(r.Body.Bytes(), &eb); err != nil || eb.Error == nil || eb.Error.Code == "" || eb.Error.Message == "" {
					t.Fatalf("%s %q: %d without the error body: %s", pattern, body, r.Code, r.Body)
				}
			case r.Code >= 200 && r.Code < 300:
				fe.readBack(t, pattern, r.Body.Bytes())
			default:
				t.Fatalf("%s: status %d", pattern, r.Code)
			}
		}
	})
}

// readBack reads from the store what a 2xx may have written (the orders and warehouses the
// response names, and every ledger entry since the last call) and fails on a bad string.
func (fe *fuzzEnv) readBack(t *testing.T, pattern string, resp []byte) {
	ctx := context.Background()
	var doc any
	if json.Unmarshal(resp, &doc) == nil {
		for _, id := range idsIn(doc) {
			var v any
			var err error
			switch {
			case strings.HasPrefix(id, "ord_"):
				v, err = fe.store.GetOrder(ctx, fe.shopIDs, id)
			case strings.HasPrefix(id, "wh_"):
				v, err = fe.store.GetWarehouse(ctx, fe.shopIDs, id)
			default:
				continue
			}
			if errors.Is(err, model.ErrNotFound) {
				continue // a result naming an id it did not find
			}
			if err != nil {
				t.Fatalf("%s: read back %s: %v", pattern, id, err)
			}
			if bad := badString(reflect.ValueOf(v)); bad != "" {
				t.Fatalf("%s stored %q in %s", pattern, bad, id)
			}
		}
	}
	moves, err := fe.store.ListMovements(ctx, store.MovementQuery{ShopIDs: fe.shopIDs, AfterSeq: fe.lastSeq, Limit: 1000})
	if err != nil {
		t.Fatalf("%s: read back the ledger: %v", pattern, err)
	}
	for _, m := range moves {
		if bad := badString(reflect.ValueOf(m)); bad != "" {
			t.Fatalf("%s stored %q in ledger entry %d", pattern, bad, m.Seq)
		}
		fe.lastSeq = m.Seq
	}
}

// idsIn returns every string under a key "id", "order_id" or "warehouse_id" in a decoded
// JSON document.
func idsIn(doc any) []string {
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if s, ok := x.(string); ok && (k == "id" || k == "order_id" || k == "warehouse_id") {
					out = append(out, s)
				}
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(doc)
	return out
}

// badString returns the first string (or map key) in v that holds a NUL or is not valid UTF-8.
func badString(v reflect.Value) string {
	switch v.Kind() {
	case reflect.String:
		if s := v.String(); !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
			return s
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return badString(v.Elem())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				if s := badString(v.Field(i)); s != "" {
					return s
				}
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if s := badString(v.Index(i)); s != "" {
				return s
			}
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			if s := badString(it.Key()); s != "" {
				return s
			}
			if s := badString(it.Value()); s != "" {
				return s
			}
		}
	}
	return ""
}

// The mutations op selects; each applies to the n-th string value or object member of the
// body (counting round), and leaves a body it cannot parse as it is.
const (
	opNone uint8 = iota
	opNUL
	opBadByte
	opCutUTF8
	opLoneSurrogate
	opReversedSurrogates
	opSurrogatePair // valid: must be accepted where the text is
	opDuplicateName
	opDeepNesting
	opVeryDeepNesting
	numOps
)

func mutate(body []byte, op uint8, n int) []byte {
	op %= numOps
	if op == opNone {
		return body
	}
	strs, members := positions(body)
	insert := func(at int, s string) []byte {
		return slices.Concat(body[:at:at], []byte(s), body[at:])
	}
	switch op {
	case opNUL, opBadByte, opCutUTF8, opLoneSurrogate, opReversedSurrogates, opSurrogatePair:
		if len(strs) == 0 {
			return body
		}
		text := map[uint8]string{opNUL: `\u0000`, opBadByte: "\xff", opCutUTF8: "\xe4\xb8", opLoneSurrogate: `\ud800`,
			opReversedSurrogates: `\udc00\ud800`, opSurrogatePair: `\ud83d\ude00`}[op]
		return insert(strs[n%len(strs)], text)
	case opDuplicateName:
		if len(members) == 0 {
			return body
		}
		m := members[n%len(members)]
		name, _ := jsontext.AppendQuote(nil, m.name)
		return insert(m.end, ","+string(name)+":"+string(body[m.start:m.end]))
	case opDeepNesting, opVeryDeepNesting:
		if len(members) == 0 {
			return body
		}
		depth := 64
		if op == opVeryDeepNesting {
			depth = 10_001
		}
		m := members[n%len(members)]
		return slices.Concat(body[:m.start:m.start], bytes.Repeat([]byte("["), depth), bytes.Repeat([]byte("]"), depth), body[m.end:])
	}
	return body
}

type memberValue struct {
	name       string
	start, end int // the value's bytes
}

// positions finds, in a valid JSON body, the offset just inside each string value's opening
// quote and the bytes of each object member's value, in document order. A body that does not
// parse has none.
func positions(body []byte) (strs []int, members []memberValue) {
	lenient := json2.JoinOptions(jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	if !jsontext.Value(body).IsValid(lenient) {
		return nil, nil
	}
	var walk func(v []byte, off int)
	walk = func(v []byte, off int) {
		switch v[0] {
		case '"':
			strs = append(strs, off+1)
		case '{', '[':
			dec := jsontext.NewDecoder(bytes.NewReader(v), lenient)
			if _, err := dec.ReadToken(); err != nil {
				return
			}
			for dec.PeekKind() != '}' && dec.PeekKind() != ']' {
				var name string
				if v[0] == '{' {
					tok, err := dec.ReadToken()
					if err != nil {
						return
					}
					name = tok.String()
				}
				val, err := dec.ReadValue()
				if err != nil {
					return
				}
				end := int(dec.InputOffset())
				start := end - len(val)
				if v[0] == '{' {
					members = append(members, memberValue{name: name, start: off + start, end: off + end})
				}
				walk(val, off+start)
			}
		}
	}
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	walk(trimmed, len(body)-len(trimmed))
	return strs, members
}

// TestMutate checks the fuzz target's mutations do what they say on a known body.
func TestMutate(t *testing.T) {
	t.Parallel()
	body := []byte(`{"a":"x","b":{"c":"y","d":[1,"z"]}}`)
	for _, c := range []struct {
		op   uint8
		n    int
		want string
	}{
		{opNone, 0, `{"a":"x","b":{"c":"y","d":[1,"z"]}}`},
		{opNUL, 0, `{"a":"\u0000x","b":{"c":"y","d":[1,"z"]}}`},
		{opNUL, 2, `{"a":"x","b":{"c":"y","d":[1,"\u0000z"]}}`},
		{opBadByte, 1, "{\"a\":\"x\",\"b\":{\"c\":\"\xffy\",\"d\":[1,\"z\"]}}"},
		{opLoneSurrogate, 3, `{"a":"\ud800x","b":{"c":"y","d":[1,"z"]}}`},
		{opDuplicateName, 0, `{"a":"x","a":"x","b":{"c":"y","d":[1,"z"]}}`},
		{opDuplicateName, 2, `{"a":"x","b":{"c":"y","c":"y","d":[1,"z"]}}`},
		{opDeepNesting, 3, `{"a":"x","b":{"c":"y","d":` + strings.Repeat("[", 64) + strings.Repeat("]", 64) + `}}`},
	} {
		if got := string(mutate(body, c.op, c.n)); got != c.want {
			t.Errorf("op %d n %d: %s, want %s", c.op, c.n, got, c.want)
		}
	}
	if got := mutate([]byte(`{"a":`), opNUL, 0); string(got) != `{"a":` {
		t.Errorf("a body that does not parse changed: %s", got)
	}
}
