package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"lastmile/internal/model"
)

const shipUsage = `Usage: lastmile ship ORDER_ID… [flags]
       lastmile ship --ready [flags]
       lastmile ship - [flags]          (order ids on standard input, one a line)

Ships orders through a running lastmile server (lastmile serve or lastmile demo): it sends them
as one batch (POST /v1/shipments:batch), which the server's job engine ships in the background
with retries, shows a progress bar while it runs (on a terminal), then prints one line per
order:

  shipped  ORDER_ID  CARRIER SERVICE  TRACKING_NUMBER
  failed   ORDER_ID  CODE (FIELD): why, and what to fix
  skipped  ORDER_ID  why there was nothing to do (already shipped, cancelled, …)

--ready ships every order that can ship now: AWAITING_SHIPMENT, confirmed, not held.
Interrupting the command (Ctrl-C) does not stop the batch: the server finishes it, and
'lastmile ship --batch ID' prints its results later.

Exit status: 0 when no order failed, 1 when some failed (see the lines) or the server refused
the batch, 2 when the flags are wrong.

Flags:
`

// shipOptions are the ship flags the batch carries (the JSON of shipping.Options).
type shipOptions struct {
	Policy     string `json:"policy,omitempty"`
	Carrier    string `json:"carrier,omitempty"`
	Service    string `json:"service,omitempty"`
	Confirm    bool   `json:"confirm,omitempty"`
	AllowSplit bool   `json:"allow_split,omitempty"`
}

// shipRequest is the body of POST /v1/shipments:batch.
type shipRequest struct {
	OrderIDs []string    `json:"order_ids,omitempty"`
	Filter   *shipFilter `json:"filter,omitempty"`
	shipOptions
}

type shipFilter struct {
	Ready bool `json:"ready"`
}

// shipResult is one line of GET /v1/batches/{id}/results.
type shipResult struct {
	OrderID         string            `json:"order_id"`
	Outcome         model.ItemOutcome `json:"outcome"`
	ShipmentIDs     []string          `json:"shipment_ids"`
	TrackingNumbers []string          `json:"tracking_numbers"`
	Error           *model.FieldError `json:"error"`
}

func runShip(ctx context.Context, args []string, s stdio) int {
	fs := flag.NewFlagSet("lastmile ship", flag.ContinueOnError)
	fs.SetOutput(s.err)
	fs.Usage = func() {
		fmt.Fprint(s.err, shipUsage)
		fs.PrintDefaults()
	}
	c := apiClientFlags(fs)
	ready := fs.Bool("ready", false, "ship every order that can ship now (confirmed, not held, AWAITING_SHIPMENT)")
	var opt shipOptions
	fs.StringVar(&opt.Policy, "policy", "", "how the service is chosen: cheapest, fastest or best_value (default: the server's)")
	fs.StringVar(&opt.Carrier, "carrier", "", "ship with this carrier only (e.g. usps)")
	fs.StringVar(&opt.Service, "service", "", "ship with this service of --carrier only (e.g. ground_advantage)")
	fs.BoolVar(&opt.Confirm, "confirm", false, "confirm orders that are not yet confirmed before shipping them (R-ORD-3)")
	fs.BoolVar(&opt.AllowSplit, "allow-split", false, "let an order ship from several warehouses when no one warehouse has it all (R-MODE-6)")
	batchID := fs.String("batch", "", "do not ship: follow batch ID (made earlier) and print its results")
	labels := fs.String("labels", "", "write every label of the batch to FILE when it is done: a .zpl file gets ZPL, anything else one PDF")
	progress := fs.String("progress", "auto", "progress bar on standard error: auto (on a terminal), always or never")
	poll := fs.Duration("poll", 500*time.Millisecond, "how often the batch's progress is read")
	ids, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	usageErr := func(msg string) int {
		fmt.Fprintf(s.err, "lastmile ship: %s\n", msg)
		return exitUsage
	}
	if len(ids) == 1 && ids[0] == "-" {
		var err error
		if ids, err = readIDs(s.in); err != nil {
			return fail(s, "ship", fmt.Errorf("read order ids: %w", err))
		}
		if len(ids) == 0 {
			return usageErr("no order id on standard input")
		}
	}
	switch {
	case *batchID != "" && (len(ids) > 0 || *ready):
		return usageErr("--batch follows a batch made earlier: give no order id and no --ready with it")
	case *batchID == "" && *ready && len(ids) > 0:
		return usageErr("give order ids or --ready, not both")
	case *batchID == "" && !*ready && len(ids) == 0:
		fs.Usage()
		return usageErr("give the orders to ship (ORDER_ID…), or --ready for every order ready to ship")
	case *progress != "auto" && *progress != "always" && *progress != "never":
		return usageErr(fmt.Sprintf("--progress %q: want auto, always or never", *progress))
	case *poll <= 0:
		return usageErr("--poll must be positive")
	}
	if err := c.check(); err != nil {
		return usageErr(err.Error())
	}

	var b model.Batch
	if *batchID != "" {
		if err := c.do(ctx, "GET", "/v1/batches/"+url.PathEscape(*batchID), nil, &b); err != nil {
			return fail(s, "ship", err)
		}
	} else {
		req := shipRequest{OrderIDs: ids, shipOptions: opt}
		if *ready {
			req.Filter = &shipFilter{Ready: true}
		}
		if err := c.do(ctx, "POST", "/v1/shipments:batch", req, &b); err != nil {
			return fail(s, "ship", err)
		}
	}
	if b.Total == 0 {
		fmt.Fprintln(s.out, "nothing to ship: no order is ready (confirmed, not held, AWAITING_SHIPMENT)")
		return exitOK
	}
	fmt.Fprintf(s.err, "batch %s: %d orders\n", b.ID, b.Total)
	bar := shipProgressBar(s.err, *progress, b.Total)
	b, err := waitBatch(ctx, c, b, *poll, bar)
	if bar != nil {
		bar.Finish()
		fmt.Fprintln(s.err)
	}
	if err != nil {
		if ctx.Err() != nil {
			fmt.Fprintf(s.err, "lastmile ship: stopped following; the server finishes the batch: lastmile ship --batch %s\n", b.ID)
		}
		return fail(s, "ship", err)
	}
	code, err = printShipResults(ctx, c, b, s.out)
	if err != nil {
		return fail(s, "ship", err)
	}
	if *labels != "" {
		if err := downloadLabels(ctx, c, b.ID, *labels); err != nil {
			return fail(s, "ship", err)
		}
		fmt.Fprintf(s.err, "labels of batch %s written to %s\n", b.ID, *labels)
	}
	return code
}

// parseArgs parses flags given before, between or after positional arguments, and returns the
// positional ones.
func parseArgs(fs *flag.FlagSet, args []string) (pos []string, code int, ok bool) {
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, exitOK, false
			}
			return nil, exitUsage, false
		}
		if fs.NArg() == 0 {
			return pos, 0, true
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// readIDs reads one order id a line; blank lines are skipped.
func readIDs(r io.Reader) ([]string, error) {
	var ids []string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if id := strings.TrimSpace(sc.Text()); id != "" {
			ids = append(ids, id)
		}
	}
	return ids, sc.Err()
}

// shipProgressBar returns the batch's progress bar on w, or nil when mode says none.
func shipProgressBar(w io.Writer, mode string, total int) *progressbar.ProgressBar {
	if mode == "never" {
		return nil
	}
	if mode == "auto" {
		f, ok := w.(*os.File)
		if !ok || !term.IsTerminal(int(f.Fd())) {
			return nil
		}
	}
	return progressbar.NewOptions(total, progressbar.OptionSetWriter(w), progressbar.OptionSetDescription("shipping"),
		progressbar.OptionShowCount(), progressbar.OptionSetPredictTime(true), progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionShowIts(), progressbar.OptionSetItsString("orders"))
}

// waitBatch polls the batch until it is done, moving bar (if any) as orders finish.
func waitBatch(ctx context.Context, c *apiClient, b model.Batch, every time.Duration, bar *progressbar.ProgressBar) (model.Batch, error) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if bar != nil {
			bar.Set(b.Total - b.Pending)
		}
		if b.Status == model.BatchDone {
			return b, nil
		}
		select {
		case <-ctx.Done():
			return b, ctx.Err()
		case <-t.C:
		}
		var next model.Batch
		if err := c.do(ctx, "GET", "/v1/batches/"+url.PathEscape(b.ID), nil, &next); err != nil {
			return b, err
		}
		b = next
	}
}

// printShipResults prints one line per order of a finished batch, then the totals; the exit
// code is exitFail when any order failed.
func printShipResults(ctx context.Context, c *apiClient, b model.Batch, w io.Writer) (int, error) {
	services, err := batchServices(ctx, c, b.ID)
	if err != nil {
		return exitFail, err
	}
	res, err := c.get(ctx, "/v1/batches/"+url.PathEscape(b.ID)+"/results")
	if err != nil {
		return exitFail, err
	}
	defer res.Body.Close()
	bw := bufio.NewWriter(w)
	defer bw.Flush()
	counts := map[model.ItemOutcome]int{}
	dec := json.NewDecoder(res.Body)
	for {
		var r shipResult
		if err := dec.Decode(&r); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return exitFail, fmt.Errorf("batch %s results: %w", b.ID, err)
		}
		counts[r.Outcome]++
		fmt.Fprintln(bw, resultLine(r, services))
	}
	fmt.Fprintf(bw, "\nbatch %s: %d shipped, %d failed, %d skipped of %d orders\n", b.ID,
		counts[model.ItemShipped], counts[model.ItemFailed], counts[model.ItemSkipped], b.Total)
	if counts[model.ItemShipped] > 0 {
		fmt.Fprintf(bw, "labels: lastmile ship --batch %s --labels labels.pdf  (or GET %s/v1/batches/%s/labels?format=pdf)\n", b.ID, c.base, b.ID)
	}
	if counts[model.ItemFailed] > 0 {
		fmt.Fprintln(bw, "fix the failed orders as their lines say, then ship them again: lastmile ship ORDER_ID…")
		return exitFail, nil
	}
	return exitOK, nil
}

// resultLine is the summary line of one order.
func resultLine(r shipResult, services map[string]string) string {
	switch r.Outcome {
	case model.ItemShipped:
		parts := make([]string, len(r.ShipmentIDs))
		for i, id := range r.ShipmentIDs {
			tn := ""
			if i < len(r.TrackingNumbers) {
				tn = r.TrackingNumbers[i]
			}
			parts[i] = strings.TrimSpace(services[id] + "  " + tn)
		}
		return fmt.Sprintf("shipped  %s  %s", r.OrderID, strings.Join(parts, "; "))
	case model.ItemFailed, model.ItemSkipped:
		why := "no reason given"
		if e := r.Error; e != nil {
			why = e.Code
			if e.Field != "" {
				why += " (" + e.Field + ")"
			}
			why += ": " + e.Message
		}
		return fmt.Sprintf("%-7s  %s  %s", r.Outcome, r.OrderID, why)
	}
	return fmt.Sprintf("%-7s  %s", r.Outcome, r.OrderID)
}

// batchServices maps each shipment of the batch to "carrier service".
func batchServices(ctx context.Context, c *apiClient, batchID string) (map[string]string, error) {
	out := map[string]string{}
	cursor := ""
	for {
		q := url.Values{"batch_id": {batchID}, "limit": {"1000"}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		var page struct {
			Shipments  []model.Shipment `json:"shipments"`
			NextCursor *string          `json:"next_cursor"`
		}
		if err := c.do(ctx, "GET", "/v1/shipments?"+q.Encode(), nil, &page); err != nil {
			return nil, err
		}
		for _, sh := range page.Shipments {
			out[sh.ID] = sh.Carrier + " " + sh.Service
		}
		if page.NextCursor == nil || *page.NextCursor == "" || len(page.Shipments) == 0 {
			return out, nil
		}
		cursor = *page.NextCursor
	}
}

// downloadLabels writes every label of the batch to path: ZPL for a .zpl file, else PDF.
func downloadLabels(ctx context.Context, c *apiClient, batchID, path string) error {
	format := "pdf"
	if strings.HasSuffix(strings.ToLower(path), ".zpl") {
		format = "zpl"
	}
	res, err := c.get(ctx, "/v1/batches/"+url.PathEscape(batchID)+"/labels?format="+format)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, res.Body); err != nil {
		f.Close()
		return fmt.Errorf("labels of batch %s: %w", batchID, err)
	}
	return f.Close()
}

// apiClient talks to a running lastmile server with an API key.
type apiClient struct {
	base string
	key  string
	http *http.Client
}

// apiClientFlags adds --url and --key (env LASTMILE_URL, LASTMILE_KEY).
func apiClientFlags(fs *flag.FlagSet) *apiClient {
	c := &apiClient{http: &http.Client{Timeout: 5 * time.Minute}}
	def := os.Getenv("LASTMILE_URL")
	if def == "" {
		def = "http://127.0.0.1:8080"
	}
	fs.StringVar(&c.base, "url", def, "the lastmile server (env LASTMILE_URL)")
	fs.StringVar(&c.key, "key", os.Getenv("LASTMILE_KEY"), "API key, lm_… (env LASTMILE_KEY; 'lastmile demo' prints one)")
	return c
}

func (c *apiClient) check() error {
	c.base = strings.TrimRight(c.base, "/")
	u, err := url.Parse(c.base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("--url %q: want the server's http://HOST:PORT", c.base)
	}
	if c.key == "" {
		return errors.New("--key is required (or LASTMILE_KEY): an API key of the shops to ship for; 'lastmile demo' prints one, 'lastmile key create' makes one")
	}
	return nil
}

// do sends a JSON request and decodes a 2xx JSON answer into out; any other answer is an error
// carrying the server's error body.
func (c *apiClient) do(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	res, err := c.send(ctx, method, path, rd)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if out == nil {
		return nil
	}
	if err := json.NewDecoder(res.Body).Decode(out); err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	return nil
}

// get sends a GET; the caller closes the 2xx answer's body.
func (c *apiClient) get(ctx context.Context, path string) (*http.Response, error) {
	return c.send(ctx, "GET", path, nil)
}

func (c *apiClient) send(ctx context.Context, method, path string, body io.Reader) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.key)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w (is the server running? see --url)", method, c.base+path, err)
	}
	if res.StatusCode >= 300 {
		defer res.Body.Close()
		return nil, serverError(method, path, res)
	}
	return res, nil
}

// serverError turns an error answer into an error naming the server's code, field and message.
func serverError(method, path string, res *http.Response) error {
	b, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	var eb struct {
		Error  *model.FieldError  `json:"error"`
		Errors []model.FieldError `json:"errors"`
	}
	if json.Unmarshal(b, &eb) != nil || eb.Error == nil {
		return fmt.Errorf("%s %s: %s: %s", method, path, res.Status, bytes.TrimSpace(b))
	}
	problems := eb.Errors
	if len(problems) == 0 {
		problems = []model.FieldError{*eb.Error}
	}
	msgs := make([]string, len(problems))
	for i, p := range problems {
		msgs[i] = p.Code
		if p.Field != "" {
			msgs[i] += " (" + p.Field + ")"
		}
		msgs[i] += ": " + p.Message
	}
	return fmt.Errorf("%s %s: %s: %s", method, path, res.Status, strings.Join(msgs, "; "))
}
