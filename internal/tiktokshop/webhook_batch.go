package tiktokshop

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"sync"

	"lastmile/internal/marketplace/tiktok"
	"lastmile/internal/store"
)

// maxGroup bounds the jobs one group commit writes.
const maxGroup = 1000

// groupEnqueuer enqueues the jobs of concurrent webhooks in shared transactions (a group
// commit): the first caller writes its job and every job that arrived meanwhile in one
// EnqueueJobs, then hands the lead to a caller that arrived during its write. Each caller
// returns once its own job is committed, so an acknowledged webhook is never lost, and SQLite's
// single writer commits hundreds of webhooks at once under load instead of one.
type groupEnqueuer struct {
	st store.Jobs

	mu       sync.Mutex
	pending  []*groupWaiter
	flushing bool
}

type groupWaiter struct {
	job   store.Job     // a job as it is, or
	fetch *fetchItem    // order ids to fetch, merged with the group's others of the shop
	done  chan error    // the commit's outcome
	lead  chan struct{} // this caller writes the next group
}

// fetchItem is one webhook's orders to fetch; key names the event (shop, orders, type, time).
type fetchItem struct {
	shop string
	ids  []string
	key  string
}

func (g *groupEnqueuer) enqueue(ctx context.Context, j store.Job) error {
	return g.add(ctx, &groupWaiter{job: j})
}

func (g *groupEnqueuer) enqueueFetch(ctx context.Context, f fetchItem) error {
	return g.add(ctx, &groupWaiter{fetch: &f})
}

func (g *groupEnqueuer) add(ctx context.Context, w *groupWaiter) error {
	w.done, w.lead = make(chan error, 1), make(chan struct{}, 1)
	g.mu.Lock()
	g.pending = append(g.pending, w)
	if !g.flushing {
		g.flushing = true
		g.mu.Unlock()
		return g.flush(ctx, w)
	}
	g.mu.Unlock()
	select {
	case err := <-w.done:
		return err
	case <-w.lead:
		return g.flush(ctx, w)
	}
}

// flush writes the pending jobs (w's among them) and passes the lead on.
func (g *groupEnqueuer) flush(ctx context.Context, w *groupWaiter) error {
	g.mu.Lock()
	n := min(len(g.pending), maxGroup)
	group := g.pending[:n:n]
	g.pending = g.pending[n:]
	g.mu.Unlock()
	jobs, err := groupJobs(group)
	if err == nil {
		// The others' jobs ride on this write: it must not fail because this caller went away.
		err = g.st.EnqueueJobs(context.WithoutCancel(ctx), jobs...)
	}
	for _, x := range group {
		x.done <- err
	}
	g.mu.Lock()
	if len(g.pending) > 0 {
		next := g.pending[0]
		g.mu.Unlock()
		next.lead <- struct{}{}
	} else {
		g.flushing = false
		g.mu.Unlock()
	}
	return <-w.done
}

// groupJobs makes the group's jobs: the plain ones as they are, and the fetches merged per
// shop into jobs of at most 50 distinct order ids (one GET /order/202309/orders each). A fetch
// job is unique by the events it carries, so a duplicate delivery waiting in the same group, or
// a group replayed whole, is one job; a duplicate in another group fetches again, harmlessly.
func groupJobs(group []*groupWaiter) ([]store.Job, error) {
	var jobs []store.Job
	type shopFetch struct {
		ids  []string
		seen map[string]bool
		keys []string
	}
	byShop := map[string]*shopFetch{}
	var shops []string
	for _, w := range group {
		if w.fetch == nil {
			jobs = append(jobs, w.job)
			continue
		}
		sf := byShop[w.fetch.shop]
		if sf == nil {
			sf = &shopFetch{seen: map[string]bool{}}
			byShop[w.fetch.shop] = sf
			shops = append(shops, w.fetch.shop)
		}
		sf.keys = append(sf.keys, w.fetch.key)
		for _, id := range w.fetch.ids {
			if !sf.seen[id] {
				sf.seen[id] = true
				sf.ids = append(sf.ids, id)
			}
		}
	}
	for _, shop := range shops {
		sf := byShop[shop]
		slices.Sort(sf.keys)
		sum := sha256.Sum256([]byte(strings.Join(slices.Compact(sf.keys), "\n")))
		key := shop + "/" + hex.EncodeToString(sum[:12])
		for part := 0; len(sf.ids) > 0; part++ {
			n := min(len(sf.ids), tiktok.MaxOrderIDs)
			j, err := store.NewJob(FetchArgs{TikTokShopID: shop, OrderIDs: sf.ids[:n]}, store.UniqueBy(key+"/"+strconv.Itoa(part)))
			if err != nil {
				return nil, err
			}
			jobs = append(jobs, j)
			sf.ids = sf.ids[n:]
		}
	}
	return jobs, nil
}
