# The two commands a newcomer runs: `make run` and `make test`.
# Everything installs itself into .venv; nothing is done by hand.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON_BOOT ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DBT := $(VENV)/bin/dbt
SQLFLUFF := $(VENV)/bin/sqlfluff

# make run: the default-size dataset in data/ (raw/, truth/, warehouse.duckdb
# and the published Parquet), where the defaults of profiles.yml, the sources,
# the readout renderer and mf point, so every command of the README works
# without setting a path; PRESET=small builds the small dataset there in about
# 1.5 minutes. make test: the small one in data/small/ (its own raw zone and
# DuckDB file, so the two never overwrite each other).
RUN_DIR ?= data
PRESET ?= default
TEST_DIR ?= data/small
SEED ?= 42
RUN_ENV = SV_RAW_PATH=$(RUN_DIR)/raw SV_DUCKDB_PATH=$(RUN_DIR)/warehouse.duckdb

# make run / make daily show dbt's per-node lines without the START line of
# every node and the PASS line of every test (~170 lines instead of ~1,600):
# each model as it is built, every warning, failure and error, and dbt's
# closing summary; the full log is logs/dbt.log.
DBT_PROGRESS = grep --line-buffered -v -E ' [0-9]+ of [0-9]+ (START|PASS) '

export DBT_PROFILES_DIR := $(CURDIR)
export DBT_PROJECT_DIR := $(CURDIR)
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

.PHONY: help install install-spark simulate-small run daily repair report test test-slow check lint score build-small build-and-pytest pytest spark-build bench clean

help:
	@echo "make run          install, simulate the default dataset into data/, dbt build, print a summary"
	@echo "                  (PRESET=small: the small dataset, ~1.5 min; LANDED_THROUGH=<date>: land up to that day)"
	@echo "make daily        after make run LANDED_THROUGH=<date>: land the next day, nightly incremental build"
	@echo "make repair       after removing a bad file: LANDED_SINCE=<its landing date> re-stages since then"
	@echo "make report       the morning report of the make-run warehouse as one HTML file in reports/"
	@echo "                  (REPORT_DATE=YYYY-MM-DD: another day, default the latest; OUT=<file>)"
	@echo "make test         build and test a small simulated dataset, run python_checks but the slow ones"
	@echo "make test-slow    the slow python_checks (default preset, replays, daily cycle) on make test's build"
	@echo "make check        lint, make test and make test-slow in one go (what CI runs after the Spark build)"
	@echo "make spark-build  dbt build on the spark target (local PySpark) over the small dataset"
	@echo "make bench        timings at SIZES (default 1m 10m 100m) app events -> docs/benchmarks.md"
	@echo "make lint         sqlfluff over models/, tests/ and analyses/"
	@echo "make score        dbt-score over the parsed project (owners, docs); fails under 9.5"
	@echo "make clean        remove data/, target/ and Spark's local files"

$(VENV)/.installed: requirements.txt
	$(PYTHON_BOOT) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-spark: requirements-spark.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements-spark.txt
	touch $@

install: $(VENV)/.installed

install-spark: $(VENV)/.installed-spark

# ---------------------------------------------------------------- make run
run: install
	@start=$$(date +%s); \
	$(PY) -m simulator --out $(RUN_DIR) --preset $(PRESET) --seed $(SEED) $(if $(LANDED_THROUGH),--landed-through $(LANDED_THROUGH)); \
	sim_end=$$(date +%s); \
	$(RUN_ENV) $(DBT) build --full-refresh | $(DBT_PROGRESS); \
	build_end=$$(date +%s); \
	$(RUN_ENV) $(DBT) run-operation --quiet print_build_summary; \
	echo "simulate: $$((sim_end - start)) s, dbt build: $$((build_end - sim_end)) s, total: $$(( $$(date +%s) - start )) s"

# The nightly job (docs/incremental.md), after e.g.
# `make run LANDED_THROUGH=2026-09-20`: the simulator lands the next day
# into the make-run dataset, then a plain incremental build whose row-level
# tests read only the lookback window, and the same summary as make run. The
# full suite is `make run` (or any dbt build without the var).
# The summary gets the build's vars too: dbt re-parses the whole project
# (~25 s) when they change between two commands.
DAILY_VARS = {data_tests_scope: recent}

daily: install
	$(PY) -m simulator --out $(RUN_DIR) --append-day
	$(RUN_ENV) $(DBT) build --vars '$(DAILY_VARS)' | $(DBT_PROGRESS)
	@$(RUN_ENV) $(DBT) run-operation --quiet print_build_summary --vars '$(DAILY_VARS)'

# Withdraw a bad file (docs/incremental.md, "Withdrawing a bad file"): after
# removing it from the landing zone, `make repair LANDED_SINCE=<its landing
# date>` deletes what staging took in since that date, classifies every raw
# row landed since again (an incremental run of staging) and rebuilds the
# models downstream of staging in full. The make-run dataset by default;
# SV_RAW_PATH / SV_DUCKDB_PATH point it at another. DuckDB only.
REPAIR_ENV = SV_RAW_PATH=$${SV_RAW_PATH:-$(CURDIR)/$(RUN_DIR)/raw} \
	SV_DUCKDB_PATH=$${SV_DUCKDB_PATH:-$(RUN_DIR)/warehouse.duckdb}

repair:
	@[[ "$(LANDED_SINCE)" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$$ ]] || \
		{ echo "usage: make repair LANDED_SINCE=YYYY-MM-DD (the UTC landing date of the first withdrawn file)" >&2; exit 2; }
	$(REPAIR_ENV) $(DBT) run-operation withdraw_rows_landed_since --args '{landed_since: "$(LANDED_SINCE)"}'
	$(REPAIR_ENV) $(DBT) build --select path:models/staging --indirect-selection cautious
	$(REPAIR_ENV) $(DBT) build --exclude path:models/staging --full-refresh

# The morning report (docs/morning_report.md): headline tiles, alert cards,
# running experiments and data health of one day as a self-contained HTML
# page, from the make-run warehouse (or SV_DUCKDB_PATH; its published Parquet
# while a build holds it). REPORT_DATE defaults to the latest day of the
# marts, OUT to reports/morning_report_<date>.html, next to the readouts
# (reports/<experiment_id>.html) the page links to.
report: install
	@[[ -z "$(REPORT_DATE)" || "$(REPORT_DATE)" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$$ ]] || \
		{ echo "usage: make report [REPORT_DATE=YYYY-MM-DD] [OUT=<file.html>]" >&2; exit 2; }
	$(PY) analyses/render_morning_report.py --duckdb "$${SV_DUCKDB_PATH:-$(RUN_DIR)/warehouse.duckdb}" \
		$(if $(REPORT_DATE),--date $(REPORT_DATE)) $(if $(OUT),--out "$(OUT)")

# --------------------------------------------------------------- make test
# make test: the small dataset simulated and built with every dbt test, then
# the python checks but the slow ones (under 10 minutes on 2 cores). The slow
# tier builds warehouses of its own (python_checks/conftest.py, SLOW_FILES);
# make test-slow runs it on make test's build, and make lint runs sqlfluff.
# CI runs all three (.ci/run); make check runs them in one go.
test: install
	$(MAKE) --no-print-directory simulate-small
	$(MAKE) --no-print-directory build-small
	$(MAKE) --no-print-directory pytest PYTEST_MARKERS="not slow"

# The slow checks read make test's small build; without one they make it first.
test-slow: install
	@[ -f $(TEST_DIR)/warehouse.duckdb ] || $(MAKE) --no-print-directory simulate-small build-small
	$(MAKE) --no-print-directory pytest PYTEST_MARKERS=slow

# Lint runs next to the build and pytest (its own DuckDB file and dbt
# target folder): the build and the tests leave a core idle much of the time.
# --output-sync keeps each step's output in one piece.
check: install
	$(MAKE) --no-print-directory simulate-small
	$(MAKE) --no-print-directory -j 2 --output-sync=target lint build-and-pytest

build-and-pytest: install
	$(MAKE) --no-print-directory build-small pytest

simulate-small: install
	$(PY) -m simulator --out $(TEST_DIR) --preset small --seed $(SEED)

# sqlfluff's dbt templater opens the DuckDB file and writes dbt's target
# folder: give it its own of both so it never fights a build for the lock or
# for dbt's partial-parse state.
lint: install
	SV_RAW_PATH=$(CURDIR)/$(TEST_DIR)/raw SV_DUCKDB_PATH=data/lint.duckdb \
	DBT_TARGET_PATH=data/lint/target DBT_LOG_PATH=data/lint/logs \
		$(SQLFLUFF) lint $(wildcard models tests analyses) --processes 2 --disable-progress-bar

# make run and make test re-simulate raw/ from scratch, so their builds are
# full refreshes (the incremental models would otherwise append to a
# warehouse built from the previous landing zone).
build-small: install
	SV_RAW_PATH=$(CURDIR)/$(TEST_DIR)/raw SV_DUCKDB_PATH=$(TEST_DIR)/warehouse.duckdb \
		$(DBT) build --quiet --full-refresh

# Two workers, each taking whole test files (module fixtures such as the
# incremental daily cycle are built once), in the order conftest.py gives
# them (the long ones first); PYTEST_WORKERS=0 runs in-process.
# PYTEST_MARKERS selects a tier ("not slow", slow); empty runs every check.
PYTEST_WORKERS ?= 2
PYTEST_MARKERS ?=

pytest: install
	SIM_DATA_DIR=$(CURDIR)/$(TEST_DIR) SV_RAW_PATH=$(CURDIR)/$(TEST_DIR)/raw \
	SV_DUCKDB_PATH=$(CURDIR)/$(TEST_DIR)/warehouse.duckdb \
		$(PY) -m pytest python_checks -q -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder --durations=15 \
		$(if $(PYTEST_MARKERS),-m "$(PYTEST_MARKERS)")

# ------------------------------------------------------------------ Spark
# Session mode keeps its metastore and warehouse under data/spark. The small
# dataset is landed up to the day before its window ends (2026-09-06), built
# in full, then the remaining landing days are appended and the incremental
# models run incrementally with their tests, next to the (full) rejected-rows
# tables so that raw = staged + rejected is tested (cautious: tests of the
# full staging tables, not rebuilt here, are left out): both branches of
# every incremental model run on Spark. The same tests then run again as a
# nightly run scopes them (data_tests_scope: recent, docs/incremental.md).
SPARK_DIR := data/spark
SPARK_LANDED_THROUGH ?= 2026-09-05
SPARK_DBT = cd $(SPARK_DIR) && SV_TARGET=spark SV_RAW_PATH=$(CURDIR)/$(SPARK_DIR)/small/raw \
	SV_SPARK_WAREHOUSE=$(CURDIR)/$(SPARK_DIR)/warehouse \
	$(CURDIR)/$(DBT) build --project-dir $(CURDIR) --profiles-dir $(CURDIR) \
	--target-path $(CURDIR)/target/spark --log-path $(CURDIR)/$(SPARK_DIR)/logs

spark-build: install-spark
	rm -rf $(SPARK_DIR)
	mkdir -p $(SPARK_DIR)
	$(PY) -m simulator --out $(SPARK_DIR)/small --preset small --seed $(SEED) \
		--landed-through $(SPARK_LANDED_THROUGH)
	$(SPARK_DBT)
	$(PY) -m simulator --out $(SPARK_DIR)/small --append-days 60
	$(SPARK_DBT) --select config.materialized:incremental "*__rejected_rows" --indirect-selection cautious
	$(SPARK_DBT) --select config.materialized:incremental "*__rejected_rows" --indirect-selection cautious \
		--resource-type test --vars '{data_tests_scope: recent}'

# ------------------------------------------------------------------ bench
# make bench: simulator, dbt build, incremental day and the hand-written lower
# bound at ~1M, 10M, 100M app events -> docs/benchmarks.md (work files in
# data/bench/; e.g. make bench SIZES="1m 10m"; REPEAT=3 takes the median of
# three runs of the hand-written script and the dbt lineage).
SIZES ?= 1m 10m 100m
BENCH_DIR ?= data/bench
REPEAT ?= 1

# dbt-score lints the manifest of a plain parse (no data needed); its rules
# and the threshold are in pyproject.toml, the project's own rules in
# dbt_score_rules/ (docs/quality_scores.md). The parse gets its own target
# folder, so it never replaces the manifest of a build.
score: install
	DBT_TARGET_PATH=data/score/target DBT_LOG_PATH=data/score/logs $(DBT) parse --quiet
	$(VENV)/bin/dbt-score lint --manifest data/score/target/manifest.json

bench: install
	$(PY) bench/run_bench.py --sizes $(SIZES) --out $(BENCH_DIR) --repeat $(REPEAT)

clean:
	rm -rf data target logs metastore_db spark-warehouse derby.log
