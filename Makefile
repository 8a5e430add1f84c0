# NLPKit. The two commands: `make run` (the main job end to end) and `make test` (build + tests).
SHELL      := /bin/bash
SWIFT      ?= swift
BENCH_VENV ?= .venv-bench

.PHONY: setup build test examples bench run clean

## setup: install missing Debian packages and fetch model/data packages (idempotent)
setup:
	@scripts/setup/install.sh

## build: release build of the library, the `nlp` command and the bench driver
build: setup
	$(SWIFT) build -c release

## test: build and run every test (release build: numeric tests are too slow in debug)
test: setup examples
	$(SWIFT) test -c release

## examples: build the programs under Examples/ and run the tokenize example
examples: setup
	$(SWIFT) build -c release --product tokenize-example
	.build/release/tokenize-example models/all-MiniLM-L6-v2/tokenizer.json "Hello, world!"

## bench: release build, then our figures beside the peer's (PyTorch, HF tokenizers, jieba, …)
## measured in the same run; AREA=tensor|tokenizers|… runs one area
bench: build
	@BENCH_VENV=$(BENCH_VENV) bench/run.sh $(AREA)

## run: set-up, build, fine-tune a Chinese review sentiment classifier, print its dev metrics, score lines
run:
	@scripts/setup/run.sh

clean:
	rm -rf .build
