package worker

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"lastmile/internal/store"
)

func TestConfigDefaults(t *testing.T) {
	t.Parallel()
	c := Config{}.WithDefaults()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	want := Config{
		Queues:                map[string]int{store.DefaultJobQueue: DefaultQueueWorkers},
		FetchPollInterval:     100 * time.Millisecond,
		FetchCooldown:         20 * time.Millisecond,
		JobTimeout:            2 * time.Minute,
		RescueStuckJobsAfter:  5 * time.Minute,
		RetryBase:             time.Second,
		RetryCap:              5 * time.Minute,
		CompletedJobRetention: 24 * time.Hour,
	}
	if c.Queues[store.DefaultJobQueue] != DefaultQueueWorkers || len(c.Queues) != 1 {
		t.Errorf("queues %v", c.Queues)
	}
	c.Queues, want.Queues = nil, nil
	if !reflect.DeepEqual(c, want) {
		t.Errorf("defaults:\n got %+v\nwant %+v", c, want)
	}

	// The default queue is added to the queues a node names, and derived defaults follow what
	// was set: a long job timeout lengthens the rescue delay instead of failing validation.
	c = Config{Queues: map[string]int{"carrier_usps": 10}, JobTimeout: 10 * time.Minute, FetchPollInterval: 10 * time.Millisecond}.WithDefaults()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.Queues[store.DefaultJobQueue] != DefaultQueueWorkers || c.Queues["carrier_usps"] != 10 {
		t.Errorf("queues %v", c.Queues)
	}
	if c.RescueStuckJobsAfter != 20*time.Minute || c.FetchCooldown != 10*time.Millisecond {
		t.Errorf("rescue after %v, cooldown %v", c.RescueStuckJobsAfter, c.FetchCooldown)
	}
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"queue name", func(c *Config) { c.Queues["Carrier USPS"] = 1 }, `queue "Carrier USPS"`},
		{"queue size", func(c *Config) { c.Queues["carrier_usps"] = 0 }, "0 workers"},
		{"negative timeout", func(c *Config) { c.JobTimeout = -time.Second }, "job timeout"},
		{"cooldown over poll", func(c *Config) { c.FetchCooldown = time.Second }, "fetch cooldown"},
		{"rescue before timeout", func(c *Config) { c.RescueStuckJobsAfter = c.JobTimeout }, "run twice at once"},
		{"base over cap", func(c *Config) { c.RetryBase = time.Hour }, "retry base"},
		{"node id", func(c *Config) { c.NodeID = strings.Repeat("n", 101) }, "node id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := Config{}.WithDefaults()
			tc.edit(&c)
			err := c.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error about %s", err, tc.want)
			}
		})
	}
}
