# Two commands on a fresh machine with Python 3.11+: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DATABASE ?= sqlite://ediary.sqlite3
STAMP := $(VENV)/.installed

.PHONY: run test install lint typecheck schema assets clean bench

PLUGINS := plugins/ediary-dnevnik plugins/ediary-sms-gateway plugins/ediary-moscow plugins/ediary-oneroster plugins/ediary-webpush plugins/ediary-tatarstan plugins/ediary-spreadsheet

$(STAMP): pyproject.toml $(addsuffix /pyproject.toml,$(PLUGINS))
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]' $(addprefix -e ,$(PLUGINS))
	touch $(STAMP)

install: $(STAMP)

## Serve the demo school at http://127.0.0.1:8000/graphql (SQLite file ediary.sqlite3).
run: $(STAMP)
	EDIARY_DATABASE_URL=$(DATABASE) $(BIN)/ediary demo --if-empty
	EDIARY_DATABASE_URL=$(DATABASE) $(BIN)/ediary serve

## The whole suite on SQLite, then on PostgreSQL when EDIARY_TEST_POSTGRES_URL is set, and
## once more through PgBouncer when EDIARY_TEST_POSTGRES_POOLER_URL names one (.ci/run does);
## the runs go side by side, each cut into parts (tests/legs.py; EDIARY_TEST_JOBS parts at once).
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m tests.legs

## W1, W2 and W6 side by side (ediary, the limit, PostGraphile) on PostgreSQL: `make bench SIZES=S,L`.
## Needs wrk (apt-get install wrk), Node 20 with npm, and PostgreSQL at BENCH_SERVER.
SIZES ?= S
BENCH_SERVER ?= postgres://postgres@127.0.0.1:5432/postgres
bench: $(STAMP)
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python -m bench.side_by_side --sizes $(SIZES) --server $(BENCH_SERVER)

## Regenerate the committed schema files: schema.graphql (served with the bundled PLUGINS),
## schema.core.graphql and plugins/*/schema.graphql. At a release, `ediary schema --release`.
schema: $(STAMP)
	$(BIN)/ediary schema

## Refresh the GraphiQL files ediary serves (needs npm; versions pinned in assets/package-lock.json).
GRAPHIQL_STATIC := ediary/web/static/graphiql
assets:
	cd assets && npm ci --ignore-scripts --no-audit --no-fund
	cp assets/node_modules/react/umd/react.production.min.js $(GRAPHIQL_STATIC)/
	cp assets/node_modules/react-dom/umd/react-dom.production.min.js $(GRAPHIQL_STATIC)/
	cp assets/node_modules/graphiql/graphiql.min.css $(GRAPHIQL_STATIC)/
	# No source map is shipped: drop the comment that would make browsers ask for one.
	sed '/^\/\/# sourceMappingURL=/d' assets/node_modules/graphiql/graphiql.min.js \
		> $(GRAPHIQL_STATIC)/graphiql.min.js
	sed -i 's@/\*# sourceMappingURL=[^*]*\*/@@' $(GRAPHIQL_STATIC)/graphiql.min.css
	for package in react react-dom graphiql graphql; do \
		cp assets/node_modules/$$package/LICENSE $(GRAPHIQL_STATIC)/LICENSE.$$package; done
	cd assets && npm ls --depth=0 --parseable=false | tail -n +2 > ../$(GRAPHIQL_STATIC)/VERSIONS

clean:
	rm -rf $(VENV) ediary.sqlite3 ediary.sqlite3-wal ediary.sqlite3-shm
