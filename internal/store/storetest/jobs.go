package storetest

// The conformance tests of store.Jobs: what EnqueueJobs stores, unique keys, refusals, and the
// transactional outbox (a job inserted in a store transaction exists only if it committed).
// They read the jobs back with River, which both drivers provide (riverjob.Source).

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"lastmile/internal/model"
	"lastmile/internal/store"
	"lastmile/internal/worker/riverjob"
)

// RunJobs exercises store.Jobs on the stores newStore returns. Each subtest gets its own store.
func RunJobs(t *testing.T, newStore func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"EnqueueRoundTrip", testEnqueueRoundTrip},
		{"EnqueueUnique", testEnqueueUnique},
		{"EnqueueUniqueConcurrent", testEnqueueUniqueConcurrent},
		{"EnqueueRefusals", testEnqueueRefusals},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, newStore(t))
		})
	}
}

// EnqueueInTx is a driver's transaction for TestJobsInTx: in one store transaction it creates
// shop and inserts jobs (with the driver's own insertJobs), then commits or rolls back.
type EnqueueInTx func(ctx context.Context, shop model.Shop, jobs []store.Job, commit bool) error

// TestJobsInTx checks the outbox on a driver's own transactions: after a rollback neither the
// shop nor the jobs exist; after a commit both do, once.
func TestJobsInTx(t *testing.T, s store.Store, enqueue EnqueueInTx) {
	ctx := context.Background()
	job := func(id string) store.Job {
		return store.Job{Kind: "storetest.outbox", Args: json.RawMessage(fmt.Sprintf(`{"id":%q}`, id))}
	}
	rolled := model.Shop{ID: "shop_rolled_back", Name: "r", Market: "US", TimeZone: "America/Los_Angeles", CreatedAt: t0}
	if err := enqueue(ctx, rolled, []store.Job{job("rolled")}, false); err != nil {
		t.Fatal(err)
	}
	committed := rolled
	committed.ID = "shop_committed"
	if err := enqueue(ctx, committed, []store.Job{job("committed-1"), job("committed-2")}, true); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetShop(ctx, rolled.ID); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("rolled-back shop: got %v, want ErrNotFound", err)
	}
	if _, err := s.GetShop(ctx, committed.ID); err != nil {
		t.Errorf("committed shop: %v", err)
	}
	var got []string
	for _, r := range ListJobs(t, s) {
		got = append(got, compactJSON(t, r.EncodedArgs))
	}
	if want := []string{`{"id":"committed-1"}`, `{"id":"committed-2"}`}; !reflect.DeepEqual(got, want) {
		t.Errorf("jobs after a rollback and a commit: got %v, want %v", got, want)
	}
}

// ListJobs returns every job of s (up to 10,000), in insertion order.
func ListJobs(t testing.TB, s store.Store) []*rivertype.JobRow {
	t.Helper()
	src, ok := s.(riverjob.Source)
	if !ok {
		t.Fatalf("%T does not implement riverjob.Source", s)
	}
	c, err := src.NewRiverClient(&river.Config{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.JobList(context.Background(), river.NewJobListParams().First(10_000))
	if err != nil {
		t.Fatal(err)
	}
	return res.Jobs
}

func testEnqueueRoundTrip(t *testing.T, s store.Store) {
	ctx := context.Background()
	if err := s.EnqueueJobs(ctx); err != nil {
		t.Fatalf("no jobs: %v", err)
	}
	later := time.Now().Add(time.Hour).UTC().Truncate(time.Millisecond) // SQLite keeps milliseconds
	full, err := store.NewJob(jobArgs{OrderID: "ord_1", Note: "日本語 ✓"}, store.InQueue("carrier_usps"),
		store.RunAt(later), store.MaxAttempts(3), store.Priority(2))
	if err != nil {
		t.Fatal(err)
	}
	bare := store.Job{Kind: "storetest.bare"}
	if err := s.EnqueueJobs(ctx, full, bare); err != nil {
		t.Fatal(err)
	}
	rows := ListJobs(t, s)
	if len(rows) != 2 {
		t.Fatalf("got %d jobs, want 2", len(rows))
	}
	f, b := rows[0], rows[1]
	var a jobArgs
	if err := json.Unmarshal(f.EncodedArgs, &a); err != nil || a != (jobArgs{"ord_1", "日本語 ✓"}) {
		t.Errorf("args: got %s (%v)", f.EncodedArgs, err)
	}
	if f.Kind != "storetest.job" || f.Queue != "carrier_usps" || f.MaxAttempts != 3 || f.Priority != 2 ||
		f.State != rivertype.JobStateScheduled || !f.ScheduledAt.Equal(later) || f.Attempt != 0 {
		t.Errorf("full job: got kind %s queue %s max %d priority %d state %s at %v attempt %d",
			f.Kind, f.Queue, f.MaxAttempts, f.Priority, f.State, f.ScheduledAt, f.Attempt)
	}
	if b.Kind != "storetest.bare" || compactJSON(t, b.EncodedArgs) != "{}" || b.Queue != store.DefaultJobQueue ||
		b.MaxAttempts != store.DefaultJobMaxAttempts || b.Priority != 1 || b.State != rivertype.JobStateAvailable {
		t.Errorf("bare job: got kind %s args %s queue %s max %d priority %d state %s",
			b.Kind, b.EncodedArgs, b.Queue, b.MaxAttempts, b.Priority, b.State)
	}
	if d := time.Since(b.ScheduledAt); d < -time.Minute || d > time.Minute {
		t.Errorf("bare job scheduled at %v: want now", b.ScheduledAt)
	}
}

// compactJSON returns raw without insignificant space: PostgreSQL keeps arguments as jsonb,
// which hands back equal JSON, not the same bytes.
func compactJSON(t testing.TB, raw []byte) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		t.Fatalf("job args %q: %v", raw, err)
	}
	return b.String()
}

type jobArgs struct {
	OrderID string `json:"order_id"`
	Note    string `json:"note"`
}

func (jobArgs) Kind() string { return "storetest.job" }

func testEnqueueUnique(t *testing.T, s store.Store) {
	ctx := context.Background()
	mk := func(kind, key, id string) store.Job {
		return store.Job{Kind: kind, UniqueKey: key, Args: json.RawMessage(`{"id":"` + id + `"}`)}
	}
	// One call repeating a key, then a second call with the same key: one job, the first.
	if err := s.EnqueueJobs(ctx, mk("track.poll", "shp_1", "a"), mk("track.poll", "shp_1", "b")); err != nil {
		t.Fatal(err)
	}
	if err := s.EnqueueJobs(ctx, mk("track.poll", "shp_1", "c")); err != nil {
		t.Fatal(err)
	}
	// The same key of another kind, another key, and no key at all (never unique).
	if err := s.EnqueueJobs(ctx, mk("sla.check", "shp_1", "d"), mk("track.poll", "shp_2", "e"),
		mk("track.poll", "", "f"), mk("track.poll", "", "g")); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range ListJobs(t, s) {
		got = append(got, r.Kind+compactJSON(t, r.EncodedArgs))
	}
	want := []string{`track.poll{"id":"a"}`, `sla.check{"id":"d"}`, `track.poll{"id":"e"}`, `track.poll{"id":"f"}`, `track.poll{"id":"g"}`}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("unique jobs:\n got %v\nwant %v", got, want)
	}
}

func testEnqueueUniqueConcurrent(t *testing.T, s store.Store) {
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- s.EnqueueJobs(ctx, store.Job{Kind: "track.poll", UniqueKey: "shp_1", Args: json.RawMessage(fmt.Sprintf(`{"n":%d}`, i))})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if rows := ListJobs(t, s); len(rows) != 1 {
		t.Errorf("8 concurrent inserts of one unique key: got %d jobs, want 1", len(rows))
	}
}

func testEnqueueRefusals(t *testing.T, s store.Store) {
	ctx := context.Background()
	good := store.Job{Kind: "storetest.good"}
	for _, tc := range []struct {
		name  string
		job   store.Job
		field string
	}{
		{"empty kind", store.Job{}, "kind"},
		{"kind with a space", store.Job{Kind: "ship label"}, "kind"},
		{"args not an object", store.Job{Kind: "k", Args: json.RawMessage(`[1]`)}, "args"},
		{"args not JSON", store.Job{Kind: "k", Args: json.RawMessage(`{`)}, "args"},
		{"upper-case queue", store.Job{Kind: "k", Queue: "USPS"}, "queue"},
		{"negative attempts", store.Job{Kind: "k", MaxAttempts: -1}, "max_attempts"},
		{"priority 5", store.Job{Kind: "k", Priority: 5}, "priority"},
	} {
		err := s.EnqueueJobs(ctx, good, tc.job)
		var ve *model.ValidationError
		if !errors.As(err, &ve) || !errors.Is(err, model.ErrInvalid) || len(ve.Problems) == 0 || ve.Problems[0].Field != tc.field {
			t.Errorf("%s: got %v, want a validation error naming %s", tc.name, err, tc.field)
		}
	}
	if rows := ListJobs(t, s); len(rows) != 0 {
		t.Errorf("a refused batch left %d jobs, want none", len(rows))
	}
}
