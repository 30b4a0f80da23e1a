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

# make run: the default-size dataset; make test: the small one (each has its
# own raw zone and DuckDB file, so they never overwrite each other).
RUN_DIR ?= data/default
TEST_DIR ?= data/small
SEED ?= 42

export DBT_PROFILES_DIR := $(CURDIR)
export DBT_PROJECT_DIR := $(CURDIR)
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

.PHONY: help install install-spark simulate-small run test lint build-small pytest spark-build clean

help:
	@echo "make run          install, simulate the default dataset, dbt build, print a summary"
	@echo "make test         lint, build and test on a small simulated dataset, run python_checks"
	@echo "make spark-build  dbt build on the spark target (local PySpark) over the small dataset"
	@echo "make lint         sqlfluff over models/, tests/ and analyses/"
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
	$(PY) -m simulator --out $(RUN_DIR) --preset default --seed $(SEED); \
	sim_end=$$(date +%s); \
	SV_RAW_PATH=$(CURDIR)/$(RUN_DIR)/raw SV_DUCKDB_PATH=$(RUN_DIR)/warehouse.duckdb \
		$(DBT) build --quiet; \
	build_end=$$(date +%s); \
	SV_RAW_PATH=$(CURDIR)/$(RUN_DIR)/raw SV_DUCKDB_PATH=$(RUN_DIR)/warehouse.duckdb \
		$(DBT) run-operation --quiet print_build_summary; \
	echo "simulate: $$((sim_end - start)) s, dbt build: $$((build_end - sim_end)) s, total: $$(( $$(date +%s) - start )) s"

# --------------------------------------------------------------- make test
test: install
	$(MAKE) --no-print-directory simulate-small lint build-small pytest

simulate-small: install
	$(PY) -m simulator --out $(TEST_DIR) --preset small --seed $(SEED)

# sqlfluff's dbt templater opens the DuckDB file: give it its own file so it
# never fights a build for the lock.
lint: install
	SV_RAW_PATH=$(CURDIR)/$(TEST_DIR)/raw SV_DUCKDB_PATH=data/lint.duckdb \
		$(SQLFLUFF) lint $(wildcard models tests analyses) --processes 2 --disable-progress-bar

build-small: install
	SV_RAW_PATH=$(CURDIR)/$(TEST_DIR)/raw SV_DUCKDB_PATH=$(TEST_DIR)/warehouse.duckdb \
		$(DBT) build --quiet

pytest: install
	SIM_DATA_DIR=$(CURDIR)/$(TEST_DIR) SV_RAW_PATH=$(CURDIR)/$(TEST_DIR)/raw \
	SV_DUCKDB_PATH=$(CURDIR)/$(TEST_DIR)/warehouse.duckdb \
		$(PY) -m pytest python_checks -q

# ------------------------------------------------------------------ Spark
# Session mode keeps its metastore and warehouse under data/spark.
spark-build: install-spark
	@test -d $(TEST_DIR)/raw || $(MAKE) --no-print-directory simulate-small
	mkdir -p data/spark
	cd data/spark && SV_TARGET=spark SV_RAW_PATH=$(CURDIR)/$(TEST_DIR)/raw \
		SV_SPARK_WAREHOUSE=$(CURDIR)/data/spark/warehouse \
		$(CURDIR)/$(DBT) build --project-dir $(CURDIR) --profiles-dir $(CURDIR) \
		--target-path $(CURDIR)/target/spark --log-path $(CURDIR)/data/spark/logs

clean:
	rm -rf data target logs metastore_db spark-warehouse derby.log
