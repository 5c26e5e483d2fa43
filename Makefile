# Cap Numérique: the two commands are `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
export RASA_TELEMETRY_ENABLED := false
export PYTHONPATH := $(CURDIR)
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# Compiled modules (and pytest's rewritten tests) are kept between runs, even where the shell
# says otherwise: 5 s of every test run's start.
unexport PYTHONDONTWRITEBYTECODE
# The tests run on both cores (pytest-xdist), a module's tests on the same worker so that
# what a module sets up once (a seeded catalogue, a server) is set up once, and the modules that
# import Rasa on one worker (groups set in tests/conftest.py).
PYTEST_WORKERS ?= 2
PYTEST = $(PY) -m pytest -q -n $(PYTEST_WORKERS) --dist loadgroup --no-loadscope-reorder

VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
# Python 3.10 wherever it is installed (Rasa 3.6 refuses 3.11+).
PYTHON310 ?= $(shell for p in python3.10 $$HOME/.pyenv/versions/3.10*/bin/python3.10 /usr/local/bin/python3.10 /usr/bin/python3.10; do \
	  $$p -c 'import sys; assert sys.version_info[:2] == (3, 10)' >/dev/null 2>&1 && { echo $$p; break; }; done)

# The model also holds what our own components (capnum_rasa/) computed: a change there retrains, and
# `--force` keeps Rasa's cache from restoring what the previous code stored (it keys components by
# class and settings, not by their code).
TRAINING_INPUTS := config.yml domain.yml $(shell find data -name '*.yml' 2>/dev/null) $(wildcard capnum_rasa/*.py)
MODEL := models/capnum.tar.gz
GENERATED_NLU := var/nlu/communes.yml

.PHONY: help run test test-fast install train validate test-stories bench bench-nlu bench-dialogue bench-slots bench-replay clean

help:
	@echo "make run    installe, entraîne si besoin, lance l'assistant (Ctrl-C pour arrêter)"
	@echo "make test   installe, entraîne si besoin, lance tous les tests"
	@echo "make test-fast  les tests sans serveur Rasa (environ une minute, sans modèle)"
	@echo "make bench-nlu  précision de la compréhension sur tests/nlu_holdout.yml"
	@echo "make bench-dialogue  340 personas générées, de bout en bout"
	@echo "make bench-slots  lecture des réponses des personas, hors serveurs"
	@echo "make bench-replay  4 000 personas lues message par message, hors serveurs"
	@echo "make bench  mesures de performance"

$(VENV)/.installed: requirements.txt requirements.lock
	@test -n "$(PYTHON310)" || { echo "Python 3.10 introuvable : installez python3.10."; exit 1; }
	@test -x $(PY) || $(PYTHON310) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade wheel
	$(PY) -m pip install --quiet -r requirements.txt -c requirements.lock
	@touch $@

install: $(VENV)/.installed

$(GENERATED_NLU): bot/tools/nlu_lookups.py data/reference/geo/communes_idf.csv | $(VENV)/.installed
	$(PY) -m bot.tools.nlu_lookups $@

$(MODEL): $(TRAINING_INPUTS) $(GENERATED_NLU) | $(VENV)/.installed
	$(RASA) train --data data $(GENERATED_NLU) --config config.yml --domain domain.yml \
	  --out models --fixed-model-name capnum --force
	@touch $@

train: $(MODEL)

var/catalogue.ready: $(VENV)/.installed $(shell find bot/services/catalogue -name '*.py' -o -name '*.yml' 2>/dev/null) bot/services/directory.py bot/services/directory_demo.csv
	$(PY) -m bot.tools.catalogue seed-demo
	$(PY) -m bot.tools.directory seed-demo --if-empty
	@touch $@

run: $(MODEL) var/catalogue.ready
	$(PY) -m bot.tools.serve

# Rasa's own checks of the training data, domain and config: the same test `make test` runs
# (one command line for `rasa data validate`).
validate: $(VENV)/.installed $(GENERATED_NLU)
	$(PY) -m pytest -q -p no:xdist tests/test_rasa_validate.py

# The stories alone: the same test `make test` runs (one command line for `rasa test core`).
test-stories: $(MODEL)
	$(PY) -m pytest -q -p no:xdist tests/test_rasa_stories.py

# The test stories and Rasa's data validation run inside the session too
# (tests/test_rasa_stories.py, tests/test_rasa_validate.py), beside the tests that wait on servers;
# `make test-stories` and `make validate` run them alone. Three workers on the two cores: the
# integration tests spend much of their time waiting on servers (8 min 48 s instead of 9 min 14 s
# for pytest, 2026-12-07); the fast lane, busy computing, keeps two.
test: PYTEST_WORKERS = 3
test: $(MODEL) $(GENERATED_NLU) var/catalogue.ready
	$(PYTEST) tests --junitxml=results/junit.xml

# Everything that needs no Rasa server (pure core, SQLite, gateway against a fake Rasa): no
# model, no training. Integration tests are marked in tests/conftest.py, the `slow` ones where
# they are (scrypt at the product's cost, the spaCy model loaded twice); only `make test` runs them. Property tests
# try a tenth of their examples there, and storage tests run on SQLite only (tests/lanes.py);
# `make test` runs them on PostgreSQL too.
test-fast: $(VENV)/.installed
	CAPNUM_TEST_LANE=fast $(PYTEST) -m "not integration and not slow" tests

bench-nlu: $(MODEL)
	$(RASA) test nlu --nlu tests/nlu_holdout.yml --model $(MODEL) --out results/nlu
	$(PY) -m bot.tools.nlu_report results/nlu

bench: $(MODEL) var/catalogue.ready
	$(PY) -m bot.tools.bench_matching
	$(PY) -m bot.tools.bench

# Plays the generated personas (tests/personas/) on its own assistant; ARGS="--url ... --token ..." etc.
bench-dialogue: $(MODEL) var/catalogue.ready
	$(PY) -m tests.personas.bench $(ARGS)

# The profile extractor alone on every bank phrasing (no server): build failures listed, held-out figures only.
bench-slots: | $(VENV)/.installed
	$(PY) -m tests.personas.slots $(ARGS)

# Whole personas read message by message by the extractor alone (no server): every fact right?
bench-replay: | $(VENV)/.installed
	$(PY) -m tests.personas.replay $(ARGS)

clean:
	rm -rf models/*.tar.gz results var/nlu var/catalogue.ready
