# One command to set up and build the brief, one to set up and run the tests:
#   make brief     -> out/brief-<today>.pdf from seeds/
#   make test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup brief test bench clean

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

bench: setup
	$(BIN)/python benchmarks/summarizer.py ../shared/eval/nlpcc2017_dev.jsonl
	$(BIN)/python benchmarks/translation.py ../shared/eval/wmt18_zh_en.tsv
	$(BIN)/python benchmarks/brief.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
