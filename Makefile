# NLPKit. The two commands: `make test` (build + tests); `make run` arrives with the fine-tune job.
SHELL      := /bin/bash
SWIFT      ?= swift
BENCH_VENV ?= .venv-bench

.PHONY: setup build test examples bench clean

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

clean:
	rm -rf .build
