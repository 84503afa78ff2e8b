# Everything a newcomer needs: `make reports` and `make test` set up the pinned environment first.
UV_VERSION := 0.13.8
VENV := .venv
TOOLS := .tools
UV := $(TOOLS)/bin/uv
export UV_PYTHON_DOWNLOADS := never

NODE_TOOLS := node_modules/.package-lock.json

.PHONY: setup browser reports lab check test test-pythons lint clean

# The fast tier leaves out what needs a browser, JupyterLab, whole builds or exhaustive
# enumeration (the markers in pyproject.toml); both tiers run on every core (pytest-xdist).
FAST := -m "not (browser or lab or build or exhaustive)"
PYTEST := pytest -n auto
# The full suite's tests often wait on processes of their own (worker pools, kernels,
# JupyterLab, Chromium, Dask): one worker more than cores keeps the cores busy meanwhile.
TEST_WORKERS := $(shell echo $$(( $$(nproc) + 1 )))
PYTHONS := 3.11 3.12 3.13

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

# Options for pytest, in check and test: make test PYTEST_ARGS="-k browser -x".
PYTEST_ARGS ?=
check: setup
	$(UV) run --frozen $(PYTEST) $(FAST) $(PYTEST_ARGS)

# Tests sharing a build on one worker, so that it is made once (tests/conftest.py), the others
# one by one; in the order collected (slow tests first), not by how many tests share a build.
test: setup browser
	$(UV) run --frozen pytest -n $(TEST_WORKERS) --dist loadscope --no-loadscope-reorder $(PYTEST_ARGS)

# The fast tier and the golden reports on each supported Python, each in its own .venv-X.Y
# from the same uv.lock. An interpreter is python3.Y on the PATH, or else pyenv's.
find_python = $(shell python$(1) -c 'import sys; print(sys.executable)' 2>/dev/null || \
	PYENV_VERSION=$$(pyenv versions --bare 2>/dev/null | grep -E '^$(1)(\.[0-9]+)?$$' | tail -n 1) \
	python$(1) -c 'import sys; print(sys.executable)' 2>/dev/null)

test-pythons: $(UV)
	$(foreach version,$(PYTHONS),$(call test_python,$(version),$(call find_python,$(version))))

define test_python
	@test -n "$(2)" || { echo "Python $(1) not found (python$(1) on the PATH)"; exit 1; }
	UV_PROJECT_ENVIRONMENT=.venv-$(1) $(UV) sync --frozen --compile-bytecode --python $(2)
	UV_PROJECT_ENVIRONMENT=.venv-$(1) $(UV) run --frozen --python $(2) $(PYTEST) $(FAST)
	UV_PROJECT_ENVIRONMENT=.venv-$(1) $(UV) run --frozen --python $(2) $(PYTEST) tests/test_golden.py

endef

lint: setup
	$(UV) run --frozen ruff check src tests

clean:
	rm -rf $(VENV) $(VENV)-3.* $(TOOLS) node_modules test-artifacts reports/[0-9]* reports/index.html reports/manifest.json reports/.htprofiles
