package web_test

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/base64"
	"fmt"
	"image"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"lastmile/internal/label/labeltest"
	"lastmile/internal/model"
)

// chromiumPath is Debian's chromium, which .ci/run installs.
const chromiumPath = "/usr/bin/chromium"

// newBrowser starts a headless chromium for t. Without chromium the test fails in CI
// (LASTMILE_CI=1) and is skipped, loudly, elsewhere.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath
	if _, err := os.Stat(path); err != nil {
		if p, err := exec.LookPath("chromium"); err == nil {
			path = p
		} else if os.Getenv("LASTMILE_CI") == "1" {
			t.Fatalf("chromium is missing at %s: the browser tests must run in CI (apt-get install -y chromium)", chromiumPath)
		} else {
			t.Skipf("SKIPPING the browser tests: chromium is missing at %s (apt-get install -y chromium)", chromiumPath)
		}
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox,
		chromedp.WindowSize(1280, 900), chromedp.Flag("lang", "en-US"))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	if err := chromedp.Do(ctx); err != nil { // starts the browser, without a timeout
		t.Fatalf("start chromium: %v", err)
	}
	tctx, cancel3 := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancel3)
	return tctx
}

type css = chromedp.CSS

// TestBrowserShipsFromTheConsole drives a real chromium through the console as a packer
// would: log in, fix a held order, ship it and another as a batch, download a label and decode
// its barcode, switch to Chinese, see the chart; on both stores. With LASTMILE_SCREENSHOTS=DIR
// it saves the main pages as PNG files there (docs/img).
func TestBrowserShipsFromTheConsole(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, db string) {
		c := newConsole(t, db)
		held := c.order("b-held", true)
		other := c.order("b-ready", false)
		ctx := newBrowser(t)
		shots := os.Getenv("LASTMILE_SCREENSHOTS")
		shot := func(name string) chromedp.Action[chromedp.Void] {
			return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				if shots == "" || !strings.HasSuffix(t.Name(), "sqlite") {
					return nil
				}
				buf, err := chromedp.FullScreenshot(100)(ctx, tg)
				if err != nil {
					return err
				}
				return os.WriteFile(filepath.Join(shots, "console-"+name+".png"), buf, 0o644)
			})
		}
		do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
			t.Helper()
			if err := chromedp.Do(ctx, steps...); err != nil {
				t.Fatalf("%s: %v", what, err)
			}
		}
		text := func(sel string) string {
			t.Helper()
			s, err := chromedp.Run(ctx, chromedp.Text(css(sel)))
			if err != nil {
				t.Fatalf("text of %s: %v", sel, err)
			}
			return s
		}
		eval := func(js string) int {
			t.Helper()
			n, err := chromedp.Run(ctx, chromedp.Evaluate[int](js))
			if err != nil {
				t.Fatalf("%s: %v", js, err)
			}
			return n
		}

		do("log in",
			chromedp.Navigate(c.url+"/"),
			chromedp.WaitVisible(css("#email")),
			shot("login"),
			chromedp.SendKeys(css("#email"), ownerEmail),
			chromedp.SendKeys(css("#password"), password),
			chromedp.Click(css("#login-submit")),
			chromedp.WaitVisible(css("#h-held")),
			shot("today"),
		)
		if s := text("main"); !strings.Contains(s, "b-held") {
			t.Fatalf("today does not list the held order:\n%s", s)
		}

		do("fix the held order",
			chromedp.Navigate(c.url+"/orders/"+held.ID),
			chromedp.WaitVisible(css("#problems")),
			shot("order-held"),
			chromedp.SetValue(css("#a-postal"), "94043"),
			chromedp.Click(css("#fix-submit")),
			chromedp.WaitVisible(css(".flash")),
		)
		if n := eval(`document.querySelectorAll('#problems').length`); n != 0 {
			t.Fatal("the order still shows problems after the fix")
		}
		do("orders page", chromedp.Navigate(c.url+"/orders"), chromedp.WaitVisible(css("table")), shot("orders"))

		do("ship two orders",
			chromedp.Navigate(c.url+"/ship"),
			chromedp.WaitVisible(css("#ship-form")),
			chromedp.Click(css("#o-"+held.ID)),
			chromedp.Click(css("#o-"+other.ID)),
			shot("ship"),
			chromedp.Click(css("#ship-submit")),
			chromedp.WaitVisible(css("#batch-done")),
			shot("batch"),
		)
		if s := text("#batch-done"); !strings.Contains(s, "2 / 2") {
			t.Fatalf("batch: %q", s)
		}

		pdfB64, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(async () => {
			const r = await fetch(document.getElementById('labels-pdf').href, {credentials: 'same-origin'});
			const b = new Uint8Array(await r.arrayBuffer());
			let s = ''; for (const x of b) { s += String.fromCharCode(x); }
			return btoa(s);
		})()`, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("download the labels: %v", err)
		}
		pdf, err := base64.StdEncoding.DecodeString(pdfB64)
		if err != nil || !strings.HasPrefix(string(pdf), "%PDF") {
			t.Fatalf("labels download: %v %.10q", err, pdf)
		}
		var list struct{ Shipments []model.Shipment }
		c.api("GET", "/v1/shipments", nil, &list)
		tracking := map[string]bool{}
		for _, s := range list.Shipments {
			tracking[s.TrackingNumber] = true
		}
		if got, err := scanLabel(pdf); err != nil || !tracking[got] {
			t.Fatalf("the label's barcode reads %q (%v); want one of %v", got, err, tracking)
		}

		do("switch to Chinese",
			chromedp.Navigate(c.url+"/"),
			chromedp.WaitVisible(css(`a[lang="zh-CN"]`)),
			chromedp.Click(css(`a[lang="zh-CN"]`)),
			chromedp.WaitVisible(css(`html[lang="zh-CN"] #h-held`)),
			shot("today-zh"),
		)
		if s := text("main"); !strings.Contains(s, "待发货订单") {
			t.Fatalf("after switching to Chinese: %q", s)
		}

		// The carriers report the parcels: one is moving, the other lost.
		for i, s := range list.Shipments {
			c.track(s, i == 0)
		}
		do("see the charts",
			chromedp.Navigate(c.url+"/performance"),
			chromedp.WaitVisible(css("#score-chart svg")),
			chromedp.WaitVisible(css("#lts-chart svg")),
			shot("performance"),
		)
		if n, title := eval(`document.querySelectorAll('#score-chart svg rect.bar').length`), text("h1"); n != 14 || title != "表现" {
			t.Fatalf("chart: %d bars, title %q (the page stays in Chinese)", n, title)
		}
		if rows, points := eval(`document.querySelectorAll('#score-table tbody th[scope=row]').length`),
			eval(`document.querySelectorAll('#lts-chart svg circle.point').length`); rows < 1 || points < 1 {
			t.Fatalf("scores: %d carrier rows, %d points in the LTS trend", rows, points)
		}
		do("today's deadlines and exceptions",
			chromedp.Navigate(c.url+"/?lang=en"),
			chromedp.WaitVisible(css("#breached")),
			shot("today-deadlines"),
		)
		if n := eval(`document.querySelectorAll('#breached a').length`); n < 1 {
			t.Fatal("today lists no breached deadline after the carriers reported")
		}
		do("the exceptions queue",
			chromedp.Navigate(c.url+"/exceptions"),
			chromedp.WaitVisible(css("#exceptions")),
			shot("exceptions"),
		)
		if n := eval(`document.querySelectorAll('#exceptions form.resolve').length`); n < 1 {
			t.Fatal("the exceptions queue offers no resolve form for the lost parcel")
		}
		do("the order's deadlines and tracking",
			chromedp.Navigate(c.url+"/orders/"+list.Shipments[0].OrderID),
			chromedp.WaitVisible(css("#deadlines")),
			shot("order-tracking"),
		)
		if n := eval(`document.querySelectorAll('.tracking ol.events li').length`); n < 2 {
			t.Fatalf("the order page shows %d carrier events, want 2", n)
		}
		do("other pages",
			chromedp.Navigate(c.url+"/stock"), chromedp.WaitVisible(css("table")), shot("stock"),
			chromedp.Navigate(c.url+"/settings"), chromedp.WaitVisible(css("#lang")), shot("settings"),
		)
	})
}

// scanLabel reads the Code 128 of the first page of a labels PDF, rasterised at the printer's
// resolutions, scanning the whole page and then horizontal bands of it (a label also carries a
// QR code and boxes).
func scanLabel(pdf []byte) (string, error) {
	pdf, err := inflatePDF(pdf)
	if err != nil {
		return "", err
	}
	var last error
	for _, dpi := range []int{203, 300} {
		pages, err := labeltest.RasterPDF(pdf, dpi)
		if err != nil || len(pages) == 0 {
			last = fmt.Errorf("raster at %d dpi: %d pages, %v", dpi, len(pages), err)
			continue
		}
		img := pages[0]
		if s, err := labeltest.DecodeCode128(img); err == nil {
			return s, nil
		}
		b := img.Bounds()
		band := b.Dy() / 5
		for y := 0; y+band <= b.Dy(); y += band / 4 {
			if s, err := labeltest.DecodeCode128(labeltest.Crop(img, image.Rect(0, y, b.Dx(), y+band))); err == nil {
				return s, nil
			} else {
				last = err
			}
		}
	}
	return "", last
}

// inflatePDF writes a PDF's Flate-compressed streams out uncompressed, which is what
// labeltest.RasterPDF reads.
func inflatePDF(pdf []byte) ([]byte, error) {
	var out bytes.Buffer
	rest := pdf
	for {
		i := bytes.Index(rest, []byte("stream\n"))
		if i < 0 {
			out.Write(rest)
			return out.Bytes(), nil
		}
		j := bytes.Index(rest[i:], []byte("endstream"))
		if j < 0 {
			return nil, fmt.Errorf("stream without endstream")
		}
		body := rest[i+len("stream\n") : i+j]
		out.Write(rest[:i])
		out.WriteString("stream\n")
		if zr, err := zlib.NewReader(bytes.NewReader(body)); err == nil {
			plain, err := io.ReadAll(zr)
			if err != nil {
				return nil, fmt.Errorf("inflate: %w", err)
			}
			out.Write(plain)
			out.WriteString("\n")
		} else {
			out.Write(body)
		}
		out.WriteString("endstream")
		rest = rest[i+j+len("endstream"):]
	}
}
