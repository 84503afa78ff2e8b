# Everything a newcomer needs: `make reports` and `make test` set up the pinned environment first.
UV_VERSION := 0.13.8
VENV := .venv
TOOLS := .tools
UV := $(TOOLS)/bin/uv
export UV_PYTHON_DOWNLOADS := never

NODE_TOOLS := node_modules/.package-lock.json

.PHONY: setup browser reports lab test lint clean

$(UV):
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION)

# Compiled bytecode: without it (and with PYTHONDONTWRITEBYTECODE set, as on some machines) every
# kernel and worker would compile pandas, Altair and the rest from source at each start.
setup: $(UV)
	$(UV) sync --frozen --compile-bytecode
	$(VENV)/bin/python -m compileall -q src

# The browser tests drive the system Chromium (Playwright's own browser download does not work
# everywhere) and inject axe-core, pinned in package-lock.json. CI runs as root on a bare machine.
browser: $(NODE_TOOLS)
	(command -v chromium && fc-list | grep -q "Liberation Sans") >/dev/null || \
		(apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y \
		--no-install-recommends chromium fonts-liberation fontconfig)

$(NODE_TOOLS): package.json package-lock.json
	npm ci --no-audit --no-fund

reports: setup
	$(UV) run --frozen htprofiles build

# JupyterLab on the project: its kernel is the python3 kernelspec of .venv's ipykernel, so the
# notebook imports htprofiles and every pinned library. Stop it with Ctrl-C. JupyterLab refuses
# to run as root (containers, CI machines) unless told to. jupyter/ turns autosave off by
# default (your own JupyterLab settings still win): running the template must not rewrite it
# with outputs, which would make every report stale. More options: make lab LAB_ARGS="...".
LAB_AS_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)
LAB_CONFIG := $(CURDIR)/jupyter
LAB_ARGS ?=
lab: setup
	JUPYTER_CONFIG_PATH=$(LAB_CONFIG) $(UV) run --frozen jupyter lab $(LAB_AS_ROOT) \
		--LabApp.default_url=/lab/tree/notebooks/profile.ipynb $(LAB_ARGS)

# Options for pytest: make test PYTEST_ARGS="-k browser -x".
PYTEST_ARGS ?=
test: setup browser
	$(UV) run --frozen pytest $(PYTEST_ARGS)

lint: setup
	$(UV) run --frozen ruff check src tests

clean:
	rm -rf $(VENV) $(TOOLS) node_modules test-artifacts reports/[0-9]* reports/index.html reports/manifest.json reports/.htprofiles
