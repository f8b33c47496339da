# Two commands do everything on a fresh machine with Python 3.11+ and make:
#   make lab    set up, copy the released notebooks into workspace/, open JupyterLab (students)
#   make test   set up, then run the whole test suite (what CI runs)
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
export PATH := $(abspath $(BIN)):$(PATH)
PORT   ?= 8888
A      ?= 01_convolution
# Jupyter refuses to run as root without this flag (containers, CI machines).
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: lab test setup workspace instructor release grade report check autograde feedback export lint

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when a pin changes.
$(VENV)/.installed: $(BIN)/python requirements.txt requirements-dev.txt pyproject.toml
	$(BIN)/pip install --upgrade --quiet pip
	$(BIN)/pip install --quiet -r requirements.txt -r requirements-dev.txt
	$(BIN)/pip install --quiet --no-deps -e .
	$(BIN)/jupyter labextension enable --level=sys_prefix @jupyter-widgets/jupyterlab-manager
	$(BIN)/jupyter labextension enable --level=sys_prefix @jupyter/nbgrader
	$(BIN)/jupyter server extension enable --sys-prefix nbgrader.server_extensions.validate_assignment
	$(BIN)/jupyter server extension enable --sys-prefix nbgrader.server_extensions.formgrader
	touch $@

# The course's Jupyter Server extension (course/lab_server.py: kernel websockets without Nagle's delay, so
# widgets answer in one frame or two) for every server started from this environment.
LAB_SERVER_CONFIG := $(VENV)/etc/jupyter/jupyter_server_config.d/course.lab_server.json
$(LAB_SERVER_CONFIG): $(VENV)/.installed
	$(BIN)/python -m course.lab_server

setup: $(VENV)/.installed $(LAB_SERVER_CONFIG)

workspace: setup
	$(BIN)/python -m course.workspace

lab: workspace
	cd workspace && ../$(BIN)/jupyter lab --ip=127.0.0.1 --port=$(PORT) --ServerApp.open_browser=$${OPEN_BROWSER:-True} $(ROOT_FLAG)

test: setup browser-deps
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Debian's Chromium for the browser tests (tests/browser; Playwright's own browser download is not used).
.PHONY: browser-deps
browser-deps:
	@test -x /usr/bin/chromium || { $$([ "$$(id -u)" = 0 ] || echo sudo) sh -c \
		'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium'; }

lint: setup
	$(BIN)/ruff check course autograder tests bench

# --- instructor commands (run from this folder, the nbgrader course directory) ---
instructor: setup
	$(BIN)/jupyter lab --ip=127.0.0.1 --port=$(PORT) $(ROOT_FLAG)

release: setup
	$(BIN)/python -m autograder.release

grade: setup
	$(BIN)/cnn-grade grade $(A)

report: setup
	$(BIN)/cnn-grade report $(A)

check: setup
	$(BIN)/cnn-grade check workspace/$(A)/*.ipynb

autograde: setup
	$(BIN)/nbgrader autograde $(A) --create

feedback: setup
	$(BIN)/nbgrader generate_feedback $(A)

export: setup
	$(BIN)/nbgrader export
