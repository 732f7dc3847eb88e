package api

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"lastmile/internal/model"
)

var hasHan = regexp.MustCompile(`\p{Han}`)

// TestErrorsInChinese: a client that asks for Chinese (Accept-Language or ?lang=) gets the same
// status, code and field with a Chinese message; one that does not, the English one; on both
// stores (issue 16 item 10).
func TestErrorsInChinese(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, e *env) {
		_, key := e.shop("A", "US")
		o := orderJSON("zh-1", tPaid, "AWAITING_SHIPMENT")
		delete(o, "currency")
		o["colour"] = "red"
		var en, zh, zhq struct {
			Error struct{ Code, Field, Message string }
		}
		ren := e.do("POST", "/v1/orders", key, o)
		ren.decode(t, &en)
		rzh := e.do("POST", "/v1/orders", key, o, "Accept-Language", "zh-CN,zh;q=0.9,en;q=0.5")
		rzh.decode(t, &zh)
		e.do("POST", "/v1/orders?lang=zh-CN", key, o).decode(t, &zhq)
		if ren.status != rzh.status || en.Error.Code != zh.Error.Code || en.Error.Field != zh.Error.Field || zh.Error.Code == "" {
			t.Fatalf("en %d %+v, zh %d %+v: want the same status, code and field", ren.status, en.Error, rzh.status, zh.Error)
		}
		if hasHan.MatchString(en.Error.Message) || !hasHan.MatchString(zh.Error.Message) || zhq.Error.Message != zh.Error.Message {
			t.Errorf("messages: en %q, zh %q, ?lang %q", en.Error.Message, zh.Error.Message, zhq.Error.Message)
		}
		if !strings.Contains(zh.Error.Message, zh.Error.Field) {
			t.Errorf("the Chinese message %q does not name the field %s", zh.Error.Message, zh.Error.Field)
		}
		if rzh.header.Get("Content-Language") != "zh-CN" || ren.header.Get("Content-Language") != "" {
			t.Errorf("Content-Language: zh %q, en %q", rzh.header.Get("Content-Language"), ren.header.Get("Content-Language"))
		}
		// Unauthenticated and unknown routes too.
		r := e.do("GET", "/v1/orders", "", nil, "Accept-Language", "zh")
		var b struct {
			Error struct{ Code, Message string }
		}
		r.decode(t, &b)
		if r.status != http.StatusUnauthorized || b.Error.Code != "unauthorized" || !hasHan.MatchString(b.Error.Message) {
			t.Errorf("401 in Chinese: %d %+v", r.status, b.Error)
		}
		// English preferred over Chinese by q-value.
		r = e.do("GET", "/v1/nope", key, nil, "Accept-Language", "zh;q=0.2, en;q=0.9")
		r.decode(t, &b)
		if b.Error.Code != "no_such_route" || hasHan.MatchString(b.Error.Message) {
			t.Errorf("q-values: %+v", b.Error)
		}
	})
}

// TestBatchCarriesNeedsAttention: each stored order of a batch says whether it is held and
// why; a refused item's error is in Chinese when asked.
func TestBatchCarriesNeedsAttention(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, e *env) {
		_, key := e.shop("A", "US")
		good := orderJSON("b-1", tPaid, "AWAITING_SHIPMENT")
		held := orderJSON("b-2", tPaid, "AWAITING_SHIPMENT")
		held["shipping_address"].(map[string]any)["postal_code"] = "9404"
		bad := orderJSON("b-3", tPaid, "AWAITING_SHIPMENT")
		bad["lines"].([]any)[0].(map[string]any)["quantity"] = "two"
		r := e.do("POST", "/v1/orders:batch", key, map[string]any{"orders": []any{good, held, bad}}, "Accept-Language", "zh-CN")
		var out struct {
			Results []struct {
				Index          int
				NeedsAttention *bool `json:"needs_attention"`
				Problems       []model.Problem
				Error          *struct{ Code, Field, Message string }
			}
		}
		r.decode(t, &out)
		if r.status != 200 || len(out.Results) != 3 {
			t.Fatalf("%d %s", r.status, r.body)
		}
		g, h, x := out.Results[0], out.Results[1], out.Results[2]
		if g.NeedsAttention == nil || *g.NeedsAttention || len(g.Problems) != 0 {
			t.Errorf("good order: %+v", g)
		}
		if h.NeedsAttention == nil || !*h.NeedsAttention || len(h.Problems) == 0 || h.Problems[0].Field != "shipping_address.postal_code" {
			t.Errorf("held order: %+v", h)
		}
		if x.Error == nil || x.Error.Field != "lines[0].quantity" || !hasHan.MatchString(x.Error.Message) || x.NeedsAttention != nil {
			t.Errorf("refused item: %+v", x)
		}
	})
}

// TestImportResultsInChinese: an import asked in Chinese names the file's own column and row,
// says needs_attention, and gives statuses and messages in Chinese.
func TestImportResultsInChinese(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, e *env) {
		_, key := e.shop("A", "US")
		file := "订单号,市场,币种,下单时间,付款时间,收件人,地址,城市,州/省,邮编,国家,电话,商品SKU,商品名称,数量,单价,重量(g),长(mm),宽(mm),高(mm),申报品名\n" +
			"z-1,US,USD,2026-11-20 10:00,2026-11-20 10:01,Jane Doe,1600 Amphitheatre Pkwy,Mountain View,CA,9404,US,+16505550100,SKU-1,T恤,2,12.99,180,250,200,20,T-shirt\n"
		req, _ := http.NewRequest("POST", e.url+"/v1/orders:import", strings.NewReader(file))
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Content-Type", "text/csv")
		req.Header.Set("Accept-Language", "zh-CN")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		recs := csvRecords(t, body)
		if len(recs) != 2 || strings.Join(recs[0], ",") != "row,external_id,status,problems,needs_attention" {
			t.Fatalf("results: %q", recs)
		}
		r := recs[1]
		if r[0] != "2" || r[2] != "已挂起" || r[4] != "true" || !strings.Contains(r[3], "postal_code_format 邮编:") || !hasHan.MatchString(r[3]) {
			t.Errorf("row: %q; want row 2 held (已挂起), needs_attention, the problem on 邮编 in Chinese", r)
		}
		if res.Header.Get("Content-Language") != "zh-CN" {
			t.Errorf("Content-Language %q", res.Header.Get("Content-Language"))
		}
	})
}
