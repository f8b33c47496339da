# Three commands do everything on a fresh machine with Python 3.11+ and make:
#   make lab    set up, copy the released notebooks into workspace/, open JupyterLab (students)
#   make test   set up, then run the whole test suite (what CI runs)
#   make hub    a class on this server: accounts of a roster, JupyterHub, nbgrader's exchange (docs/DEPLOY.md)
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

test: setup browser-deps sandbox-deps hub-deps
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Debian's Chromium for the browser tests (tests/browser; Playwright's own browser download is not used).
.PHONY: browser-deps
browser-deps:
	@test -x /usr/bin/chromium || { $$([ "$$(id -u)" = 0 ] || echo sudo) sh -c \
		'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium'; }

# Debian's bubblewrap: builds the allow-listed view student code runs in (autograder/sandbox/, docs/GRADING.md).
.PHONY: sandbox-deps doctor
sandbox-deps:
	@test -x /usr/bin/bwrap || { $$([ "$$(id -u)" = 0 ] || echo sudo) sh -c \
		'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y -o DPkg::Lock::Timeout=300 bubblewrap'; }

doctor: setup sandbox-deps
	$(BIN)/cnn-grade doctor

lint: setup
	$(BIN)/ruff check course autograder classroom tests bench

# --- a class on one server (classroom/, docs/DEPLOY.md); root creates the accounts, so sudo when not root ---
SUDO       := $(if $(filter 0,$(shell id -u)),,sudo)
HUB_PORT   := $(if $(filter command line environment,$(origin PORT)),$(PORT),8000)
HUB_ROOT   ?= /srv/cnn-course
HUB_PREFIX ?= /opt/cnn-course
HUB_HOMES  ?= /home
ROSTER     ?= classroom/roster.example.csv
HUB_ARGS    = --root $(HUB_ROOT) --prefix $(HUB_PREFIX) --homes $(HUB_HOMES) --roster $(ROSTER) --port $(HUB_PORT)
.PHONY: hub hub-demo hub-deps hub-stop cycle

# Node.js from Debian when missing; configurable-http-proxy from npm at the version of package-lock.json;
# the course's Python environment for the users' servers in HUB_PREFIX (rebuilt when requirements.txt changes).
hub-deps: setup classroom/node_modules/.package-lock.json
	@dpkg -s python3-venv >/dev/null 2>&1 || $(SUDO) sh -c \
		'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y -o DPkg::Lock::Timeout=300 python3-venv'
	$(SUDO) $(BIN)/python -m classroom.environment $(HUB_PREFIX)

classroom/node_modules/.package-lock.json: classroom/package.json classroom/package-lock.json
	@command -v npm >/dev/null || $(SUDO) sh -c \
		'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y -o DPkg::Lock::Timeout=300 nodejs npm'
	cd classroom && npm ci --no-audit --no-fund
	touch $@

hub: hub-deps
	$(SUDO) $(BIN)/python -m classroom.hub $(HUB_ARGS) start

# DEMO: generates a password for each account that has none and prints it once (never for a real class).
hub-demo: hub-deps
	$(SUDO) $(BIN)/python -m classroom.hub $(HUB_ARGS) --demo-passwords start

hub-stop:
	$(SUDO) $(BIN)/python -m classroom.hub --root $(HUB_ROOT) stop-servers

# close, collect, grade (cnn-grade), generate and release feedback for A, as the instructor
cycle: setup
	$(SUDO) $(BIN)/python -m classroom.hub --root $(HUB_ROOT) cycle $(A)

# --- instructor commands (run from this folder, the nbgrader course directory) ---
instructor: setup
	$(BIN)/jupyter lab --ip=127.0.0.1 --port=$(PORT) $(ROOT_FLAG)

release: setup
	$(BIN)/python -m autograder.release

grade: setup sandbox-deps
	$(BIN)/cnn-grade grade $(A)

report: setup
	$(BIN)/cnn-grade report $(A)

check: setup sandbox-deps
	$(BIN)/cnn-grade check workspace/$(A)/*.ipynb

autograde: setup sandbox-deps
	$(BIN)/nbgrader autograde $(A) --create

feedback: setup
	$(BIN)/nbgrader generate_feedback $(A)

export: setup
	$(BIN)/nbgrader export
