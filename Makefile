# Theo dõi nhiệm vụ — every task a developer needs. `make help` lists them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
# Two stamps: what running needs (`make run`), and that plus the dev extra (`make test`, lint…).
SUM    := $(shell cat pyproject.toml | cksum | cut -d' ' -f1)
RUNTIME := $(VENV)/.runtime-$(SUM)
STAMP  := $(VENV)/.installed-$(SUM)

.DEFAULT_GOAL := help
.PHONY: help install install-runtime messages translations run test test-quick lint format browser-check office-check clean bench

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-14s %s\n", $$1, $$2}'

$(RUNTIME): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	@rm -f $(VENV)/.runtime-* && touch $@

$(STAMP): $(RUNTIME)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $@

install-runtime: $(RUNTIME) messages ## Create .venv with only what running the app needs

install: $(STAMP) messages ## Create .venv and install the app with its dev tools (tests, lint)

messages: $(RUNTIME) ## Compile the translation catalogues (locale/*/LC_MESSAGES/django.po)
	@$(BIN)/pybabel -q compile -d locale -D django
	@$(BIN)/pybabel -q compile -d locale/_django -D django

# Folders that hold no source of user-visible strings.
NOT_SOURCES := --ignore=tests --ignore=docs --ignore=bench --ignore=var --ignore=staticfiles --ignore=test-results --ignore=*.egg-info --ignore=directives/data

translations: $(RUNTIME) ## Extract every string into locale/vi and locale/en (needs GNU gettext), compile
	@command -v xgettext >/dev/null && command -v msgmerge >/dev/null || \
	  { echo "make translations needs GNU gettext: apt-get install gettext"; exit 1; }
	$(BIN)/python manage.py makemessages -l vi -l en --no-obsolete --add-location=file $(NOT_SOURCES)
	@$(MAKE) --no-print-directory messages
	@echo "Now translate every new or fuzzy entry of locale/en/LC_MESSAGES/django.po (see README)."

# Links in e-mails and calendar feeds name the address the site is served at.
run: export TRACKER_BASE_URL ?= http://127.0.0.1:$(PORT)
run: install-runtime ## Install what running needs, migrate, seed the demo, serve at http://127.0.0.1:$(PORT)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py seed_demo
	@echo ""
	@echo "  Theo dõi nhiệm vụ: http://127.0.0.1:$(PORT)/"
	@echo "  Tài khoản demo / demo accounts (mật khẩu / password: demo12345):"
	@echo "    admin     quản trị (trang /admin/)"
	@echo "    lanhdao   lãnh đạo cơ quan giao nhiệm vụ (xem tất cả)"
	@echo "    kiemtra   kiểm tra (chỉ xem)"
	@echo "    tuyengiao cán bộ Ban Tuyên giáo Tỉnh ủy"
	@echo "    laodong   cán bộ Sở Lao động - Thương binh và Xã hội"
	@echo "    namcan    cán bộ Huyện ủy Năm Căn"
	@echo ""
	@echo "  API: http://127.0.0.1:$(PORT)/api/v1/docs/ (mã truy cập / tokens: /account/api-tokens/)"
	@echo "  Tác vụ nền / background tasks: db_worker + run_schedule chạy cùng máy chủ"
	@# The task worker (webhooks, reminders) and its clock run beside the server, and stop with it.
	$(BIN)/python manage.py db_worker & worker=$$!; \
	$(BIN)/python manage.py run_schedule & clock=$$!; \
	trap 'kill $$worker $$clock 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install ## Install the dev extra, lint, check migrations, run every test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	@$(MAKE) --no-print-directory browser-check
	@$(MAKE) --no-print-directory office-check
	$(BIN)/python -m pytest -n auto

# The quick loop while working: what `make test` runs minus the tests marked slow (servers,
# subprocesses, LibreOffice, the input sweep) and the browser tests. Not a substitute for it.
test-quick: install ## Every test but the slow and browser ones (a quick loop; `make test` runs all)
	$(BIN)/python -m pytest -n auto -m "not slow and not browser"

office-check: ## Say whether the rendered-report tests will run (LibreOffice)
	@if command -v soffice >/dev/null 2>&1; then echo "LibreOffice: $$(command -v soffice) — rendered-report tests will run."; \
	elif [ "$$REQUIRE_OFFICE" = "1" ]; then echo "REQUIRE_OFFICE=1 but LibreOffice is missing (apt-get install libreoffice-calc-nogui libreoffice-writer-nogui)."; exit 1; \
	else echo "LibreOffice not found: rendered-report tests are SKIPPED (install with: apt-get install libreoffice-calc-nogui libreoffice-writer-nogui)."; fi

browser-check: ## Say whether the browser tests will run (Debian's Chromium)
	@if [ -x /usr/bin/chromium ]; then echo "Chromium: /usr/bin/chromium — browser tests will run."; \
	elif [ "$$REQUIRE_BROWSER" = "1" ]; then echo "REQUIRE_BROWSER=1 but /usr/bin/chromium is missing (apt-get install chromium)."; exit 1; \
	else echo "Chromium not found: browser tests are SKIPPED (install with: apt-get install chromium)."; fi

lint: install ## ruff check and format check only
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install ## Format the code with ruff
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean: ## Remove the virtualenv, the SQLite database and caches
	rm -rf $(VENV) db.sqlite3* .pytest_cache .ruff_cache staticfiles

# Trust (issue 7): backup and restore — the database and uploaded files in one checked archive.
.PHONY: backup restore
backup: $(RUNTIME) ## Back up the database and uploaded files to var/backups/ (OUT=file to choose)
	$(BIN)/python manage.py backup $(if $(OUT),--output "$(OUT)")

restore: $(RUNTIME) ## Restore a backup into an empty database: make restore FILE=var/backups/….tar.gz
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=var/backups/tracker-….tar.gz"; exit 2; }
	$(BIN)/python manage.py restore "$(FILE)"

bench: install ## Benchmark pages against a bare page (PostgreSQL + SQLite; see bench/run.py)
	$(BIN)/python bench/run.py
