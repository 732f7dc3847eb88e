package app

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"lastmile/internal/carrier"
	_ "lastmile/internal/carrier/all" // the compiled-in carrier adapters register themselves
	"lastmile/internal/carrier/sim"
	"lastmile/internal/config"
	"lastmile/internal/settings"
)

// carrierTimeout bounds one call to a carrier of the simulated network.
const carrierTimeout = 30 * time.Second

// openCarriers builds the carrier accounts of cfg: its carriers list, plus the simulated
// network's carriers when carrier_network names one. With "sim" the network runs in this
// process (the demo); close stops it.
func openCarriers(ctx context.Context, cfg config.Config, log *slog.Logger, now func() time.Time) (set *carrier.Set, network *sim.Network, err error) {
	var list []carrier.Carrier
	if len(cfg.Carriers) > 0 {
		instances := make([]carrier.Instance, len(cfg.Carriers))
		for i, c := range cfg.Carriers {
			raw := make(map[string]any, len(c.Config)+1)
			for k, v := range c.Config {
				raw[k] = v
			}
			instances[i] = carrier.Instance{Type: c.Type, Config: raw}
		}
		s, err := carrier.Default().Open(instances)
		if err != nil {
			return nil, nil, fmt.Errorf("config: %w", err)
		}
		list = append(list, s.Carriers()...)
	}
	switch n := cfg.CarrierNetwork; {
	case n == "sim":
		opts := sim.DefaultOptions()
		opts.Journey = sim.DefaultJourney()
		opts.Now, opts.Logger = now, log.With("component", "carrier-sim")
		if network, err = sim.Start(ctx, opts); err != nil {
			return nil, nil, fmt.Errorf("start the simulated carriers: %w", err)
		}
		cs, err := network.Carriers(carrierTimeout)
		if err != nil {
			network.Close()
			return nil, nil, err
		}
		list = append(list, cs...)
		log.Info("simulated carrier network running in this process", "url", network.URL(), "carriers", len(cs))
	case n != "":
		clients, err := sim.Clients(sim.ClientConfig{URL: n, APIKey: sim.DefaultAPIKey, Timeout: carrierTimeout})
		if err != nil {
			return nil, nil, fmt.Errorf("config: carrier_network %s: %w", n, err)
		}
		for _, c := range clients {
			list = append(list, c)
		}
	}
	if set, err = carrier.NewSet(list...); err != nil {
		if network != nil {
			network.Close()
		}
		return nil, nil, fmt.Errorf("config: %w", err)
	}
	if len(list) == 0 {
		log.Warn("no carrier is configured: orders cannot ship until one is (carriers, or carrier_network: sim)")
	}
	return set, network, nil
}

// certification is the certified carriers per market (R-SHIP-3): settings.Certification, the
// one the shops' carriers settings are checked against.
func certification(cfg config.Config) carrier.Certification {
	return settings.Certification(cfg)
}
