# Everything a newcomer needs: `make reports` and `make test` set up the pinned environment first.
UV_VERSION := 0.13.8
VENV := .venv
TOOLS := .tools
UV := $(TOOLS)/bin/uv
export UV_PYTHON_DOWNLOADS := never

.PHONY: setup reports test lint clean

$(UV):
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION)

setup: $(UV)
	$(UV) sync --frozen

reports: setup
	$(UV) run --frozen htprofiles build

test: setup
	$(UV) run --frozen pytest

lint: setup
	$(UV) run --frozen ruff check src tests

clean:
	rm -rf $(VENV) $(TOOLS) reports/[0-9]* reports/index.html reports/manifest.json reports/_failed
