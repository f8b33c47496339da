"""Driving JupyterLab in the browser: open a notebook, run cells, find a cell's output, take screenshots.

Navigation and cell execution go through JupyterLab's own commands (``window.jupyterapp``, exposed by the
test server); everything the tests check a person would do (choose a preset, type a value, move a slider,
press Validate) goes through the page with real input events.
"""

from __future__ import annotations

import ast
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from autograder.notebook_cells import nbmeta

ROOT = Path(__file__).resolve().parents[2]
#: the released notebooks the student workspace is made from (override only to try unreleased work)
RELEASE = Path(os.environ.get("CNN_RELEASE_DIR", ROOT / "release"))
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = ROOT / "screenshots"
#: the browser-side latency line of this run, printed in the summary
LATENCY = pytest.StashKey[str]()
CHROMIUM_ARGS = [
    "--no-sandbox",  # the tests run as root (CI too), where Chromium's sandbox cannot start
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-gpu",
    "--disable-quic",
    "--disable-dev-shm-usage",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Lab:
    """A running JupyterLab server."""

    root: Path
    port: int
    token: str
    proc: subprocess.Popen
    log: Path
    home: Path = field(repr=False)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        sep = "&" if "?" in path else "?"
        return f"{self.base}/{path.lstrip('/')}{sep}token={self.token}"

    def log_tail(self, n: int = 60) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""


def start_lab(root: Path, home: Path, timeout: float = 90.0, extra_args: tuple[str, ...] = ()) -> Lab:
    """Start ``jupyter lab`` serving ``root`` (``extra_args``: more command-line options); return once its REST
    API answers."""
    home.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)  # the test process sets Agg; the kernels must use the inline backend
    env.pop("NBGRADER_EXECUTION", None)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    # user-level state in a fresh folder: no restored layout, no settings of the person running the tests
    env.update({
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
        "IPYTHONDIR": str(home / "ipython"),
    })
    # no "get Jupyter news?" toast over the page (and no request for it)
    notification = home / "settings" / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    notification.parent.mkdir(parents=True, exist_ok=True)
    notification.write_text(json.dumps({"fetchNews": "false"}))
    port, token = free_port(), secrets.token_hex(16)
    log = home / "jupyter.log"
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
           "--ServerApp.port_retries=0", "--allow-root",  # CI runs as root
           f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
           "--LabApp.expose_app_in_browser=True",  # lets the tests reach JupyterLab's own commands
           "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
           "--LabApp.extension_manager=readonly", *extra_args]
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    lab = Lab(root=root, port=port, token=token, proc=proc, log=log, home=home)
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"jupyter lab exited with {proc.returncode}:\n{lab.log_tail()}")
        try:
            with urllib.request.urlopen(lab.url("api/status"), timeout=2) as r:
                if r.status == 200:
                    return lab
        except OSError:
            pass
        if time.monotonic() > deadline:
            stop_lab(lab)
            raise RuntimeError(f"jupyter lab did not answer within {timeout:.0f} s:\n{lab.log_tail()}")
        time.sleep(0.2)


def stop_lab(lab: Lab) -> None:
    """SIGTERM (the server shuts its kernels down), then kill what is left of its process group."""
    if lab.proc.poll() is None:
        lab.proc.send_signal(signal.SIGTERM)
        try:
            lab.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            lab.proc.kill()
            lab.proc.wait(timeout=10)
    try:  # kernels or validate runs the server may have left behind
        os.killpg(lab.proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


KERNEL_IDLE_JS = """() => {
    const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    const kernel = panel && panel.sessionContext && panel.sessionContext.session
        && panel.sessionContext.session.kernel;
    return !!kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle';
}"""


def shot(page, name: str) -> Path:
    """Save a screenshot of the whole window as ``screenshots/<name>.png``."""
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_")


class Notebook:
    """A notebook opened in JupyterLab in ``page``."""

    def __init__(self, page, lab: Lab, path: str) -> None:
        self.page, self.lab, self.path = page, lab, path

    def open(self, timeout: float = 120_000) -> Notebook:
        """Open ``path`` in JupyterLab and wait until its kernel is idle."""
        self.page.goto(self.lab.url(f"lab/tree/{self.path}?reset"))  # reset: no layout of an earlier test
        self.page.wait_for_function(
            """(path) => {
                const app = window.jupyterapp;
                const panel = app && app.shell.currentWidget;
                return !!panel && !!panel.context && panel.context.path === path && panel.context.isReady
                    && panel.content.widgets.length > 0;
            }""", arg=self.path, timeout=timeout)
        self.page.wait_for_function(KERNEL_IDLE_JS, timeout=timeout)
        self._tag_cells()
        return self

    def _tag_cells(self) -> None:
        """Mark each cell's DOM node with ``data-test-cell=<index>`` so locators can find it."""
        self.page.evaluate("""() => {
            const nb = window.jupyterapp.shell.currentWidget.content;
            nb.widgets.forEach((cell, i) => cell.node.setAttribute('data-test-cell', String(i)));
        }""")

    def cell(self, index: int):
        """Locator of cell ``index`` (0-based, as in the .ipynb file)."""
        return self.page.locator(f'[data-test-cell="{index}"]')

    def cell_count(self) -> int:
        return self.page.evaluate("() => window.jupyterapp.shell.currentWidget.content.widgets.length")

    def run_cell(self, index: int, timeout: float = 120_000) -> None:
        """Run one cell with JupyterLab's *Run selected cell* command and wait for the kernel to finish it."""
        self.page.evaluate("""async (i) => {
            const app = window.jupyterapp;
            const nb = app.shell.currentWidget.content;
            nb.activeCellIndex = i;
            nb.deselectAll();
            await app.commands.execute('notebook:run-cell');
        }""", index)
        self.page.wait_for_function(KERNEL_IDLE_JS, timeout=timeout)
        self.cell(index).scroll_into_view_if_needed()

    def run_cell_until_widget(self, index: int, timeout: float = 120_000) -> None:
        """Run one cell; return once a widget shows in its output or the cell has finished (whichever first).

        A cell may display a widget and then keep the kernel busy (a training loop feeding a monitor).
        """
        self.page.evaluate("""(i) => {
            const app = window.jupyterapp;
            const nb = app.shell.currentWidget.content;
            nb.activeCellIndex = i;
            nb.deselectAll();
            const cell = nb.widgets[i];
            cell.node.dataset.testRun = String(Number(cell.node.dataset.testRun || 0) + 1);
            cell.node.dataset.testDone = '';
            app.commands.execute('notebook:run-cell').then(() => { cell.node.dataset.testDone = '1'; });
        }""", index)
        self.page.wait_for_function(
            """(i) => {
                const node = window.jupyterapp.shell.currentWidget.content.widgets[i].node;
                return node.querySelector('.jp-OutputArea .jupyter-widgets') !== null
                    || node.dataset.testDone === '1';
            }""", arg=index, timeout=timeout)
        self.cell(index).scroll_into_view_if_needed()

    def run_all_from_menu(self, timeout: float = 240_000) -> None:
        """Run > Run All Cells, as a student does; wait until every code cell ran or one failed."""
        self.page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
        self.page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
        self.page.wait_for_function(
            """() => {
                const panel = window.jupyterapp.shell.currentWidget;
                const kernel = panel.sessionContext.session.kernel;
                if (!kernel || kernel.status !== 'idle') return false;
                let all = true;
                for (const cell of panel.content.widgets) {
                    if (cell.model.type !== 'code') continue;
                    const outs = cell.model.outputs;
                    for (let k = 0; k < outs.length; k++) if (outs.get(k).type === 'error') return true;
                    if (cell.model.executionCount === null) all = false;
                }
                return all;
            }""", timeout=timeout)

    def errors(self) -> list[str]:
        """Error outputs in the notebook, as ``cell <i>: <ename>: <evalue>``."""
        return self.page.evaluate("""() => {
            const found = [];
            window.jupyterapp.shell.currentWidget.content.widgets.forEach((cell, i) => {
                if (cell.model.type !== 'code') return;
                const outs = cell.model.outputs;
                for (let k = 0; k < outs.length; k++) {
                    const o = outs.get(k).toJSON();
                    if (o.output_type === 'error') found.push(`cell ${i}: ${o.ename}: ${o.evalue}`);
                }
            });
            return found;
        }""")

    def cell_errors(self, index: int) -> list[str]:
        return [e for e in self.errors() if e.startswith(f"cell {index}:")]

    def set_source(self, index: int, code: str) -> None:
        """Replace the text of cell ``index`` by typing into its editor (select all, then type)."""
        editor = self.cell(index).locator(".cm-content")
        editor.click()
        self.page.keyboard.press("ControlOrMeta+a")
        self.page.keyboard.press("Delete")
        # insert_text types the text as one input event: no auto-indent or bracket closing by the editor
        self.page.keyboard.insert_text(code)
        self.page.keyboard.press("Escape")
        got = self.page.evaluate("(i) => window.jupyterapp.shell.currentWidget.content.widgets[i].model.sharedModel"
                                 ".getSource()", index)
        assert got == code, f"typing into cell {index} gave\n{got}\ninstead of\n{code}"

    def save(self) -> None:
        self.page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
        self.page.wait_for_function("() => !window.jupyterapp.shell.currentWidget.context.model.dirty")

    def close(self) -> None:
        """Close the notebook and shut its kernel down (frees memory for the next test); best effort."""
        if self.page.is_closed():
            return
        try:
            self._close()
        except Exception as exc:  # noqa: BLE001 - the server's teardown stops the kernel anyway
            print(f"closing {self.path}: {exc}")

    def _close(self) -> None:
        self.page.evaluate("""async () => {
            const app = window.jupyterapp;
            const panel = app.shell.currentWidget;
            if (!panel || !panel.sessionContext) return;
            const session = panel.sessionContext.session;
            panel.dispose();  // the views go first, so no widget looks for a model of a dead kernel
            if (session) await app.serviceManager.sessions.shutdown(session.id);
        }""")


SOLUTION_MARKERS = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$\n?", flags=re.M)


def solutions(source_nb: Path) -> dict[str, str]:
    """``{grade_id: code}`` of the source notebook's solution cells, as a student would write them."""
    return {c["grade_id"]: SOLUTION_MARKERS.sub("", c["source"]) for c in nbgrader_cells(source_nb) if c["solution"]}


def nbgrader_cells(nb_path: Path) -> list[dict]:
    """The notebook's cells (from the file) with ``index``, ``type``, ``source`` and nbgrader flags."""
    nb = json.loads(nb_path.read_text())
    cells = []
    for i, c in enumerate(nb["cells"]):
        meta = nbmeta(c)
        src = c["source"] if isinstance(c["source"], str) else "".join(c["source"])
        cells.append({"index": i, "type": c["cell_type"], "source": src, "grade_id": meta.get("grade_id"),
                      "solution": bool(meta.get("solution")), "grade": bool(meta.get("grade"))})
    return cells


def widget_classes() -> dict[str, str]:
    """``{class name: module}`` of every widget class in ``course/widgets``: a subclass of ``CourseWidget`` (the
    base class, in ``base.py``, is not a widget of its own) or, in the older pattern, of an ipywidgets box."""
    found = {}
    for path in sorted((ROOT / "course" / "widgets").glob("*.py")):
        if path.stem == "base":
            continue
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.ClassDef) and any(
                    (isinstance(b, ast.Name) and b.id == "CourseWidget")
                    or (isinstance(b, ast.Attribute) and isinstance(b.value, ast.Name)
                        and b.value.id in ("widgets", "ipywidgets")) for b in node.bases):
                found[node.name] = path.stem
    return found


def _free_names(node: ast.AST) -> set[str]:
    """Names read by ``node`` that it does not bind itself (a function's arguments and locals are its own)."""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
        args = node.args
        own = {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg] if a}
        body = node.body if isinstance(node.body, list) else [node.body]
        inner = set().union(*(_free_names(b) for b in body)) if body else set()
        own |= {n.id for b in body for n in ast.walk(b) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        outer = set().union(*(_free_names(d) for d in [*args.defaults, *args.kw_defaults] if d is not None))
        decorators = set().union(*(_free_names(d) for d in getattr(node, "decorator_list", [])))
        return (inner - own) | outer | decorators
    if isinstance(node, ast.Name):
        return set() if isinstance(node.ctx, ast.Store) else {node.id}
    return set().union(*(_free_names(child) for child in ast.iter_child_nodes(node)))


def _defs_uses(source: str) -> tuple[set[str], set[str]]:
    """Names a cell binds at top level (assignments, defs, imports) and every name it reads."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set(), set()
    defs: set[str] = set()
    uses = _free_names(tree)
    todo: list[ast.AST] = list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            defs.add(node.name)  # its body runs later: only its name is bound now
        elif isinstance(node, ast.Import | ast.ImportFrom):
            defs |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            defs.add(node.id)
        else:
            todo.extend(ast.iter_child_nodes(node))
    return defs, uses


def widget_plan(nb_path: Path) -> tuple[list[int], list[int], list[str]]:
    """Which cells of a notebook display a course widget, and which to run for them.

    Returns ``(widget_cells, cells_to_run, classes)``: the code cells that call ``display(...)`` on a course
    widget (or on a variable holding one); those cells plus the earlier code cells that define what they use
    (imports, variables, the student's functions a widget may be given; found by name, transitively); and
    the widget classes shown.
    """
    cells = nbgrader_cells(nb_path)
    classes = widget_classes()
    code = "\n".join(c["source"] for c in cells if c["type"] == "code")
    used = [name for name in classes if re.search(rf"\b{name}\s*\(", code)]
    names = set(used)
    for name in used:  # variables holding a widget: `explorer = ArithmeticExplorer(...)`
        names |= set(re.findall(rf"^\s*(\w+)\s*=\s*{name}\s*\(", code, flags=re.M))
    widget_cells = [c["index"] for c in cells if c["type"] == "code" and "display(" in c["source"]
                    and any(re.search(rf"display\([^\n]*\b{re.escape(n)}\b", c["source"]) for n in names)]
    if not widget_cells:
        return [], [], used
    to_run = set(widget_cells)
    needed: set[str] = set()
    for c in reversed(cells[:widget_cells[-1] + 1]):
        if c["type"] != "code" or (c["grade"] and not c["solution"]):  # nbgrader test cells define nothing
            continue
        defs, uses = _defs_uses(c["source"])
        if c["index"] in to_run or defs & needed:
            to_run.add(c["index"])
            needed |= uses
    shown = [name for name in used if any(re.search(rf"\b{name}\b", cells[i]["source"]) for i in to_run)]
    return widget_cells, sorted(to_run), shown


def release_notebooks() -> list[Path]:
    """Every notebook in ``release/`` (what students get), as paths relative to ``release/``."""
    return sorted(p.relative_to(RELEASE) for p in RELEASE.glob("*/*.ipynb") if ".ipynb_checkpoints" not in p.parts)
