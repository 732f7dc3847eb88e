package worker

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"

	"lastmile/internal/store"
	"lastmile/internal/store/postgres"
	"lastmile/internal/store/sqlite"
	"lastmile/internal/store/storetest"
)

// childDBEnv, when set, makes the test binary a doomed node (see TestMain): it works jobs of
// the database the variable names until it is killed.
const childDBEnv = "LASTMILE_WORKER_TEST_CHILD_DB"

func TestMain(m *testing.M) {
	if db := os.Getenv(childDBEnv); db != "" {
		runDoomedNode(db)
		return
	}
	os.Exit(m.Run())
}

// openDB opens "sqlite:PATH" or a postgres:// URL, without migrating.
func openDB(ctx context.Context, db string) (store.Store, error) {
	if path, ok := strings.CutPrefix(db, "sqlite:"); ok {
		return sqlite.Open(ctx, path)
	}
	return postgres.Open(ctx, db)
}

// runDoomedNode starts an engine whose handler says "started <id>" and hangs, as a label
// purchase would when the process is killed during it.
func runDoomedNode(db string) {
	ctx := context.Background()
	st, err := openDB(ctx, db)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	cfg := testConfig()
	cfg.NodeID = "doomed"
	e, err := New(cfg, st, slog.New(slog.DiscardHandler), time.Now)
	if err == nil {
		err = e.Handle("test.label", func(ctx context.Context, job Job) error {
			fmt.Printf("started %d\n", job.ID)
			select {}
		})
	}
	if err == nil {
		err = e.Start(ctx)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	select {}
}

// A node killed (SIGKILL) while it runs a job leaves the job "running"; once the leader's lease
// of the dead node runs out, a surviving node becomes leader and rescues the job after
// RescueStuckJobsAfter, and the job completes there on its second attempt. It takes about 20 s:
// River's lease of a leader is 15 s and not configurable.
func TestRescueAfterKill(t *testing.T) {
	t.Parallel()
	for _, driver := range []string{"sqlite", "postgres"} {
		t.Run(driver, func(t *testing.T) {
			t.Parallel()
			testRescueAfterKill(t, driver)
		})
	}
}

func testRescueAfterKill(t *testing.T, driver string) {
	ctx := context.Background()
	db := "sqlite:" + storetest.SQLitePath(t)
	if driver == "postgres" {
		url, drop, err := postgres.NewSchema(ctx, storetest.PostgresURL(t))
		must(t, err)
		t.Cleanup(drop)
		db = url
	}
	st, err := openDB(ctx, db)
	must(t, err)
	t.Cleanup(func() { st.Close() })
	must(t, st.(interface {
		Migrate(context.Context, *slog.Logger) error
	}).Migrate(ctx, slog.New(slog.DiscardHandler)))
	must(t, st.EnqueueJobs(ctx, store.Job{Kind: "test.label", Args: []byte(`{"order_id":"ord_1"}`)}))

	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), childDBEnv+"="+db)
	child.Stderr = os.Stderr
	out, err := child.StdoutPipe()
	must(t, err)
	must(t, child.Start())
	t.Cleanup(func() { child.Process.Kill(); child.Wait() })
	line := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			line <- sc.Text()
		}
		close(line)
	}()
	var id int64
	if _, err := fmt.Sscanf(recv(t, line, "start in the doomed node"), "started %d", &id); err != nil {
		t.Fatal(err)
	}
	must(t, child.Process.Kill()) // SIGKILL: no stop, no resignation, the job stays running
	child.Wait()

	cfg := testConfig()
	cfg.JobTimeout, cfg.RescueStuckJobsAfter = 500*time.Millisecond, time.Second
	done := make(chan Job, 1)
	e := newEngine(t, st, cfg, func(e *Engine) {
		must(t, e.Handle("test.label", func(ctx context.Context, job Job) error {
			done <- job
			return nil
		}))
	})
	row, err := e.client.JobGet(ctx, id)
	must(t, err)
	if row.State != rivertype.JobStateRunning || len(row.AttemptedBy) != 1 || row.AttemptedBy[0] != "doomed" {
		t.Fatalf("after the kill the job is %s, attempted by %v: want running, by the doomed node", row.State, row.AttemptedBy)
	}
	job := recv(t, done, "rescued job")
	if job.ID != id || job.Attempt != 2 || len(job.Errors) != 1 {
		t.Errorf("rescued run: job %d attempt %d errors %v, want job %d attempt 2 with the rescue recorded", job.ID, job.Attempt, job.Errors, id)
	}
	waitJob(t, e, id, "completed", inState(rivertype.JobStateCompleted))
}
