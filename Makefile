# The two commands: `make run` and `make test`. Everything else is a helper for them.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000
# `make test` spreads the suite over the cores (pytest-xdist); `make test TEST_WORKERS=0` runs
# it in one process.
TEST_WORKERS ?= auto
# Links in e-mails and the sign-in addresses printed below must carry the port served on.
TRELLIS_BASE_URL ?= http://localhost:$(PORT)

.PHONY: run test lint install clean i18n-extract i18n-update i18n-compile

# Translation catalogues: each messages.po compiled to the messages.mo the app reads (the
# .mo files are not committed; docs/i18n.md).
PO_FILES := $(wildcard saas/translations/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml package.json package-lock.json
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@# axe-core for the browser tests' accessibility checks (a test tool, never served)
	if command -v npm >/dev/null; then npm ci --no-audit --no-fund --silent; fi
	touch $(STAMP)

%.mo: %.po $(STAMP)
	$(BIN)/python -c "from saas.i18n import compile_catalogues; compile_catalogues()"

install: $(STAMP) $(MO_FILES)

# For translators: collect marked strings, merge them into each language, compile.
i18n-extract: $(STAMP)
	$(BIN)/trellis i18n extract
i18n-update: $(STAMP)
	$(BIN)/trellis i18n update
i18n-compile: $(STAMP)
	$(BIN)/trellis i18n compile

run: export TRELLIS_BASE_URL := $(TRELLIS_BASE_URL)
run: install
	@$(BIN)/trellis db upgrade
	@$(BIN)/trellis demo
	@echo "Serving on $(TRELLIS_BASE_URL) (stop with Ctrl-C; another port: make run PORT=8000)"
	@$(BIN)/trellis run --host $(HOST) --port $(PORT)

test: install
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache node_modules
