# lastmile: the commands a developer and CI run. `make test` is the one the README gives.

GO       ?= go
# An execution count, not a duration: Go 1.26's fuzz coordinator can report a spurious
# "context deadline exceeded" failure when a duration runs out mid-execution (golang/go#75804,
# fixed in Go 1.27). A count has no deadline to race; a real finding still fails the run.
FUZZTIME ?= 20000x

.PHONY: test test-norace vet fuzz bench build demo

## test: vet, then every test with the race detector, then (test-norace) again without it the
## packages whose tests the race detector changes. The PostgreSQL tests run when
## LASTMILE_TEST_POSTGRES is set to a database URL (each test makes its own schema in it);
## .ci/run starts PostgreSQL and sets it.
test: vet
	@if [ -z "$$LASTMILE_TEST_POSTGRES" ]; then \
		echo "*** LASTMILE_TEST_POSTGRES is not set: the PostgreSQL tests will be SKIPPED."; \
		echo "*** Run them with LASTMILE_TEST_POSTGRES='postgres://postgres@127.0.0.1:5432/test?sslmode=disable' make test"; \
	fi
	$(GO) test -race -count=1 -timeout 30m ./...
	@$(MAKE) --no-print-directory test-norace

## test-norace: the second pass. A test that cannot run as written under the race detector
## (it counts allocations, which the detector adds; it samples a sweep the detector slows
## fifteenfold) reads its package's raceEnabled constant, set by a `//go:build race` file
## (race_test.go) and its `//go:build !race` twin. Those packages, found by that build line,
## run again here without -race, so what the first pass skipped or sampled runs in full.
test-norace:
	@pkgs=$$(grep -rlE --include='*.go' '^//go:build.*[ !(]race\b' cmd internal | xargs -r -n1 dirname | sort -u | sed 's|^|./|'); \
	if [ -z "$$pkgs" ]; then echo "no package depends on the race detector"; exit 0; fi; \
	echo "$(GO) test -count=1" $$pkgs; \
	$(GO) test -count=1 -timeout 30m $$pkgs

vet:
	$(GO) vet ./...

## fuzz: run every fuzz target for FUZZTIME executions each (go test allows one target per run).
## Targets are found in the source, so only the packages that have one are compiled.
fuzz:
	@set -e; for dir in $$(grep -rl --include='*_test.go' '^func Fuzz' cmd internal | xargs -n1 dirname | sort -u); do \
		for f in $$(grep -h '^func Fuzz' $$dir/*_test.go | sed 's/^func \(Fuzz[A-Za-z0-9_]*\).*/\1/'); do \
			echo "fuzz ./$$dir $$f"; \
			$(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) ./$$dir; \
		done; \
	done

## bench: the Go benchmarks, then the end-to-end figures of `lastmile bench`.
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...
	$(GO) run ./cmd/lastmile bench

build:
	$(GO) build -o lastmile ./cmd/lastmile

demo:
	$(GO) run ./cmd/lastmile demo
