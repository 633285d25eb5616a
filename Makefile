# One command to set up and build the brief, one to set up and run the tests:
#   make brief     -> out/brief-<today>.pdf from seeds/
#   make test      -> the fast loop (slow gates left out)
#   make test-slow -> the slow gates alone (CI runs them as its second step); make test-all -> both
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup brief test test-slow test-all bench clean

setup: $(STAMP)

# Re-install only when the dependency declarations change.
$(STAMP): pyproject.toml constraints.txt scripts/setup-system
	./scripts/setup-system
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[test]'
	touch $(STAMP)

brief: setup
	$(BIN)/briefing build seeds/

test: setup
	$(BIN)/python -m pytest -q

# -m on the command line replaces the "not slow" of pyproject's addopts.  pytest exits 5 when it
# selects no test: no slow gate left is not a failure.
test-slow: setup
	$(BIN)/python -m pytest -q -m slow || [ $$? -eq 5 ]

test-all: setup
	$(BIN)/python -m pytest -q -m ''

bench: setup
	$(BIN)/python -m benchmarks.summarizer ../shared/eval/nlpcc2017_dev.jsonl
	$(BIN)/python -m benchmarks.translation ../shared/eval/wmt18_zh_en.tsv
	$(BIN)/python -m benchmarks.real_corpus ../shared/corpus --news ../shared/eval/nlpcc2017_dev.jsonl
	$(BIN)/python -m benchmarks.brief

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
