package app

import (
	"context"
	"fmt"

	"lastmile/internal/notify"
	"lastmile/internal/worker"
)

// startNotify builds the notify service and registers its jobs on the engine: the fan-out of
// every notify.event the other services enqueue, and the webhook deliveries.
func (a *App) startNotify(opt Options) error {
	cfg := opt.Notify
	if cfg.RetrySchedule == nil {
		// Checked by config.Validate.
		cfg.RetrySchedule, _ = a.Config.WebhookRetries()
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = a.Config.WebhookTimeout
	}
	var err error
	a.Notify, err = notify.NewService(notify.Deps{Store: a.Store, Config: cfg, Now: a.now, Log: a.log})
	if err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	for _, h := range a.Notify.Jobs() {
		if err := a.Jobs.Handle(h.Kind, func(ctx context.Context, j worker.Job) error {
			return h.Run(ctx, notify.Job{ID: j.ID, CreatedAt: j.CreatedAt, Args: j.Args})
		}); err != nil {
			return err
		}
	}
	return nil
}
