# Resume2Website: every command a developer or CI needs. `make help` lists them.
SHELL := /bin/bash
PYTHON ?= python3
TOOLS := .venv-tools
SAM := .venv-sam
CV ?= functions/extract/fixtures/pdf/01-en-classic.pdf
THEME ?= modern

.PHONY: help demo serve watch web site cli test tools schema openapi architecture bench package deploy clean-tools

help:
	@grep -E '^[a-z-]+:.*## ' Makefile | sed 's/:.*## /\t/'

demo: web ## CV in, website out: uploads $(CV) through the local API, prints its preview URL, then serves the app (Ctrl-C stops)
	cargo build -p r2w-local --bin r2w
	target/debug/r2w demo "$(CV)"

serve: web ## The app and every route on http://127.0.0.1:8080 with the in-process pipeline (Ctrl-C stops)
	cargo build -p r2w-local --bin r2w
	target/debug/r2w serve

web: web/node_modules/.installed ## The web app into web/dist: API types from docs/openapi.json, type check, bundle
	cd web && npm run build

watch: tools ## The function binaries behind cargo lambda watch on http://127.0.0.1:9000, pipeline included
	PATH="$(CURDIR)/$(TOOLS)/bin:$$PATH" cargo lambda watch --features embedded

site: ## CV in, static site folder out: $(CV) -> data/demo/cv.json -> data/demo/site/ (THEME=...)
	cargo build -p r2w-local --bin r2w
	mkdir -p data/demo
	target/debug/r2w extract "$(CV)" > data/demo/cv.json
	target/debug/r2w build data/demo/cv.json --out data/demo/site --theme "$(THEME)"

# Linked as a fixed-address executable: a position-independent one of this size spends about a
# tenth of a one-shot command's time relocating itself at start (docs/benchmarks.md).
cli: ## The r2w command optimised (thin LTO, parallel codegen; not the Lambda profile) -> target/cli/r2w
	cargo rustc --profile cli -p r2w-local --bin r2w -- -C relocation-model=static

test: tools ## fmt, clippy and every test; starts and stops a local AWS emulator
	scripts/test.sh

tools: $(TOOLS)/.installed $(SAM)/.installed node_modules/.installed web/node_modules/.installed ## Install the test tools (moto, cargo-lambda, SAM CLI, cfn-lint, npm packages)

$(TOOLS)/.installed: scripts/requirements-tools.txt
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check -r scripts/requirements-tools.txt
	touch $@

$(SAM)/.installed: scripts/requirements-sam.txt
	$(PYTHON) -m venv $(SAM)
	$(SAM)/bin/pip install --quiet --disable-pip-version-check -r scripts/requirements-sam.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

web/node_modules/.installed: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	touch $@

schema: ## Regenerate crates/core/schema/cv-data.schema.json after changing the CV types
	R2W_UPDATE_SCHEMA=1 cargo test -p r2w-core --test integration cv_schema::checked_in_schema_is_current

openapi: ## Regenerate docs/openapi.json after changing a route or an API type
	R2W_UPDATE_OPENAPI=1 cargo test -p r2w-local --test integration openapi::the_checked_in_document_is_current

architecture: ## Regenerate the crate graph in docs/architecture.md after changing a crate's dependencies
	R2W_UPDATE_ARCHITECTURE=1 cargo test -p r2w-tests --test integration architecture::the_architecture_document_shows_the_current_graph

bench: ## Benchmarks; figures go to docs/benchmarks.md (extraction needs pdftotext)
	cargo bench -p r2w-embedded --bench table
	cargo bench -p r2w-extract --bench extraction
	cargo bench -p r2w-sites --bench render
	cargo bench -p r2w-auth --bench auth
	cargo bench -p r2w-stripe-webhook --bench webhook
	cargo build --profile bench -p r2w-local --bin r2w
	scripts/bench-serve.py target/release/r2w
	scripts/bench-import.sh target/release/r2w

package: tools ## sam build: every function for arm64 (release, stripped) into .aws-sam/, then their sizes
	rustup target add aarch64-unknown-linux-gnu
	PATH="$(CURDIR)/$(TOOLS)/bin:$$PATH" SAM_CLI_TELEMETRY=0 $(SAM)/bin/sam build --beta-features
	scripts/package-sizes.sh

# samconfig.toml's environment: prod or staging (docs/release.md).
ENV ?= prod
STACK ?= r2w-$(ENV)

deploy: package web ## sam deploy --config-env ENV (prod, staging), then the web app to its bucket and CDN (docs/deploy.md)
	cargo build -p r2w-local --bin r2w
	SAM_CLI_TELEMETRY=0 $(SAM)/bin/sam deploy --config-env "$(ENV)" --stack-name "$(STACK)" $(DEPLOY_FLAGS)
	$(SAM)/bin/python scripts/deploy-web.py --stack "$(STACK)"

clean-tools:
	rm -rf $(TOOLS) $(SAM) node_modules web/node_modules
