# lastmile: the commands a developer and CI run. `make test` is the one the README gives.

GO       ?= go
# An execution count, not a duration: Go 1.26's fuzz coordinator can report a spurious
# "context deadline exceeded" failure when a duration runs out mid-execution (golang/go#75804,
# fixed in Go 1.27). A count has no deadline to race; a real finding still fails the run.
FUZZTIME ?= 20000x

.PHONY: test vet fuzz bench build demo

## test: vet, then every test with the race detector. The PostgreSQL tests run when
## LASTMILE_TEST_POSTGRES is set to a database URL (each test makes its own schema in it);
## .ci/run starts PostgreSQL and sets it.
test: vet
	@if [ -z "$$LASTMILE_TEST_POSTGRES" ]; then \
		echo "*** LASTMILE_TEST_POSTGRES is not set: the PostgreSQL tests will be SKIPPED."; \
		echo "*** Run them with LASTMILE_TEST_POSTGRES='postgres://postgres@127.0.0.1:5432/test?sslmode=disable' make test"; \
	fi
	$(GO) test -race -count=1 ./...

vet:
	$(GO) vet ./...

## fuzz: run every fuzz target for FUZZTIME executions each (go test allows one target per run).
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
		for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
			echo "fuzz $$pkg $$f"; \
			$(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg; \
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
