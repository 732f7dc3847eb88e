package config

import "errors"

// ApplyEnv sets the process settings from the environment: each key's variable (LASTMILE_DB,
// LASTMILE_ADDR, … ProcessKeys lists them) overrides the file; an empty variable counts as unset.
// lookup is os.LookupEnv in cmd/ (this package never reads the environment itself). Every bad
// value is reported, each a *KeyError naming the variable.
func (c *Config) ApplyEnv(lookup func(string) (string, bool)) error {
	var errs []error
	for _, k := range processKeys {
		v, ok := lookup(k.env)
		if !ok || v == "" {
			continue
		}
		if err := k.set(k.ptr(c), v); err != nil {
			errs = append(errs, &KeyError{Where: "environment " + k.env, Key: k.name, Msg: err.Error()})
		}
	}
	return errors.Join(errs...)
}
