// Package rating prices parcels from carrier rate cards and shops among services against the
// market's delivery promise (R-RATE-1…8, R-SLA-1, R-SHIP-3, R-MKT-2).
//
// Rate cards are YAML files, one version of one carrier service per document (the format is
// docs/ratecards.md). Load and ParseCard check them, reporting every problem with its file,
// line and field, and compile them into flat, sorted structures; DefaultCards are the
// examples embedded from examples/ratecards.
//
// Cards.Rate quotes one order (a Request) against every service into a caller-provided
// Result, without I/O, without reading a clock and, once the Result has grown, without
// allocating: the card version and the fuel step in force on the hand-over day; the
// chargeable weight, max(actual, volumetric, the card's minimum) in grams; the base from the
// zone's brackets; fuel, remote-area, fee, option, rebate and subsidy lines, each in integer
// minor units rounded half-up once; the delivery date from the zone's transit days (calendar
// or carrier working days with github.com/rickar/cal/v2 holidays) against the promise
// deadline; and the reasons a service is not eligible. Result.Select then picks one by policy
// (cheapest, fastest, best_value) with deterministic ties, and Cards.ChooseBox picks the box
// of a catalogue with the lowest landed cost (R-RATE-8).
//
// QuoteOrder is the JSON contract of `lastmile rate` and POST /v1/rates on top of it: it
// checks a QuoteRequest (an order with optional package, options, monthly parcel counts, box
// catalogue and warehouse hand-over) and renders the Response.
package rating
