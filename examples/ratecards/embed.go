// Package ratecards holds the example rate cards shipped with lastmile (one YAML file per
// service, documented in docs/ratecards.md), embedded so that `lastmile rate` and
// POST /v1/rates work from any directory without --cards. Most figures are illustrative and
// the cards say so (illustrative: true); the figures the rules give (docs/rules.md) are cited by rule id.
package ratecards

import "embed"

// FS holds every *.yaml file of this directory.
//
//go:embed *.yaml
var FS embed.FS
