"""Browser-side widget latency: a control changed in Chromium to the widget's new picture, for every widget, and
where the time goes; before and after, in the same run.

    .venv/bin/python bench/browser_latency.py [--rounds 4] [--widgets kernel_playground ...] [--baseline REV]

For every module of ``course/widgets`` with ``interactions(size)``, at the widget's ``default_size``: a
notebook in a throw-away workspace builds the widget and its scripted actions in the kernel
(``bench/kernel_probe.py``) and displays it in JupyterLab, in headless Debian Chromium; the page replays each
action on its control's model as the control's view does (``bench/browser_latency.js``). Three JupyterLab
servers run side by side on the same machine, and rounds alternate between them so that load from other
processes falls on all three:

* ``before``: the widgets of commit ``--baseline`` (default 0aa11c0, the last one before the widgets' base
  class; the same scripted actions drive them; a widget the baseline lacks has no ``before``) on a stock
  Jupyter Server;
* ``stock``: today's widgets on a stock Jupyter Server (the course's server extension switched off);
* ``course``: today's widgets on the server as ``make lab`` starts it (``course/lab_server.py``).

Every figure is a median over the actions of all rounds (the first round is a discarded warm-up):

* ``picture``: from the change to the widget's last new picture (``<img>`` src, or SVG chart) on the page:
  the whole change is shown (``first``: its first new picture);
* ``decoded``: to that image decoded, ready to paint;
* ``python``: the widget's update in the kernel (``CourseWidget.timed``), the Python side;
* the breakdown of ``picture``, which adds up to it: ``to kernel`` (page, websocket, server, ZMQ, until the
  kernel starts handling the message), ``before update`` (the kernel applies the change), ``update to send``
  (the update until the picture's message leaves the kernel), ``to page`` (that message through the server and
  websocket into the page), ``in page`` (JupyterLab and the widget manager handle it until the src is set).

Writes ``bench/out/widget_browser_latency.json`` (every sample with its websocket log). Needs what ``make test``
installs: Chromium (``make browser-deps``) and Playwright (``requirements-dev.txt``).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import pkgutil
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))   # tests.browser is not an installed package

import course.widgets  # noqa: E402
from autograder.course_layout import REPO_ROOT as ROOT  # noqa: E402
from course.widgets.base import CourseWidget  # noqa: E402
from tests.browser.jlab import CHROMIUM, CHROMIUM_ARGS, Notebook, start_lab, stop_lab  # noqa: E402

OUT = ROOT / "bench" / "out" / "widget_browser_latency.json"
PAGE_JS = (ROOT / "bench" / "browser_latency.js").read_text()
PROBE = (ROOT / "bench" / "kernel_probe.py").read_text()
STOCK = ("--ServerApp.jpserver_extensions=course.lab_server=False",)
CONFIGS = {"before": STOCK, "stock": STOCK, "course": ()}   # server options of each configuration
BASELINE = "0aa11c0"
PHASES = ("to kernel", "before update", "update to send", "to page", "in page")


def widget_modules() -> list[str]:
    names = [m.name for m in pkgutil.iter_modules(course.widgets.__path__)]
    return sorted(n for n in names if hasattr(importlib.import_module(f"course.widgets.{n}"), "interactions"))


def default_size(module: str) -> int:
    mod = importlib.import_module(f"course.widgets.{module}")
    return next(v.default_size for v in vars(mod).values()
                if isinstance(v, type) and issubclass(v, CourseWidget)
                and v.__module__ == mod.__name__)


def export_baseline(rev: str, folder: Path) -> Path:
    """The ``course`` package of commit ``rev``, as the package ``course_before`` in ``folder``."""
    import subprocess

    files = subprocess.run(["git", "-C", str(ROOT), "ls-tree", "-r", "--name-only", rev, "course"],
                           capture_output=True, text=True, check=True).stdout.split()
    for name in files:
        text = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:{name}"], capture_output=True, text=True,
                              check=True).stdout
        target = folder / "course_before" / Path(name).relative_to("course")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text.replace("from course.", "from course_before.").replace("import course.",
                                                                                          "import course_before."))
    return folder


def baseline_modules(rev: str) -> set[str]:
    """Widget modules that commit ``rev`` has (a widget added since is measured without a ``before``)."""
    import subprocess

    files = subprocess.run(["git", "-C", str(ROOT), "ls-tree", "--name-only", f"{rev}:course/widgets"],
                           capture_output=True, text=True, check=True).stdout.split()
    return {Path(f).stem for f in files if f.endswith(".py")}


def write_notebook(folder: Path, module: str, baseline: Path | None) -> str:
    setup = f"\n_bench = Probe({module!r}, {default_size(module)})\n"
    if baseline is not None:
        setup = f"\nimport sys\nsys.path.insert(0, {str(baseline)!r})\n_bench = Probe({module!r}, " \
                f"{default_size(module)}, baseline='course_before')\n"
    cells = [PROBE + setup, "print(_bench.specs())", "print(_bench.take())"]
    nb = {"cells": [{"cell_type": "code", "metadata": {}, "source": c, "outputs": [], "execution_count": None}
                    for c in cells],
          "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
          "nbformat": 4, "nbformat_minor": 5}
    name = f"bench_{module}.ipynb"
    (folder / name).write_text(json.dumps(nb))
    return name


def printed(nb: Notebook, index: int) -> str:
    nb.run_cell(index)
    return nb.page.evaluate("(i) => window.jupyterapp.shell.currentWidget.content.widgets[i].model.outputs"
                            ".get(0).toJSON().text", index)


def epoch_ms(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() * 1e3


def breakdown(sample: dict, events: list[tuple[str, float]], end: float) -> dict | None:
    """The phases of one sample (ms), from the page's and the kernel's timestamps; None without a picture."""
    t0, shown = sample["t0"], sample["picture"]
    if shown is None:
        return None
    mine = [(what, t * 1e3) for what, t in events if t0 - 2 <= t * 1e3 < end]
    k_in = next((t for what, t in mine if what in ("comm_msg", "execute_request")), None)
    starts = [t for what, t in mine if what == "update_start" and k_in is not None and t >= k_in]
    ends = [t for what, t in mine if what == "update_end"]
    arrived = [m for m in sample["log"] if m["dir"] == "in" and m["t"] <= shown and "date" in m]
    if k_in is None or not starts or not ends or not arrived:
        return None
    carrier = arrived[-1]                      # the message whose handling set the new picture
    sent, u0 = epoch_ms(carrier["date"]), starts[0]
    phases = dict(zip(PHASES, (k_in - t0, u0 - k_in, sent - u0, carrier["t"] - sent, shown - carrier["t"]),
                      strict=True))
    return {"picture": shown - t0, "first": sample["first"] - t0, "decoded": (sample["decoded"] or shown) - t0,
            "python": max(ends) - u0,
            "messages_before_picture": sum(m["dir"] == "in" and m["t"] < carrier["t"] for m in sample["log"]),
            "carrier_bytes": carrier["bytes"], **phases}


def measure(nb: Notebook, specs: list, rounds: int) -> list[dict]:
    """One run of every action (``rounds`` times) on the open notebook, with each sample's breakdown."""
    printed(nb, 2)  # forget earlier kernel events
    samples = nb.page.evaluate(PAGE_JS, {"cell": 0, "specs": specs, "rounds": rounds, "timeoutMs": 3000,
                                         "settleMs": 60})
    events = json.loads(printed(nb, 2))
    for i, s in enumerate(samples):
        end = samples[i + 1]["t0"] if i + 1 < len(samples) else float("inf")
        s["phases"] = breakdown(s, events, end)
    return samples


def open_widget(page, lab, module: str) -> tuple[Notebook, list]:
    nb = Notebook(page, lab, f"bench_{module}.ipynb").open()
    nb.run_cell_until_widget(0)
    nb.page.wait_for_function("() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel"
                              ".status === 'idle'")
    return nb, json.loads(printed(nb, 1))


def start(tmp: Path, config: str, modules: list[str], baseline: str):
    """A JupyterLab server of ``config`` serving one notebook per widget module."""
    ws = tmp / f"ws-{config}"
    ws.mkdir()
    old = export_baseline(baseline, tmp / "baseline") if config == "before" else None
    for module in modules:
        write_notebook(ws, module, old)
    lab = start_lab(ws, tmp / f"home-{config}", extra_args=CONFIGS[config])
    loaded = "course.lab_server: kernel websockets without Nagle" in lab.log.read_text()
    if loaded != (config == "course"):
        stop_lab(lab)
        raise RuntimeError(f"the {config} server {'lacks' if config == 'course' else 'has'} course.lab_server: "
                           f"run `make setup`\n{lab.log_tail()}")
    return lab


def run(modules: list[str], rounds: int, configs: list[str], baseline: str) -> dict[str, dict[str, list[dict]]]:
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="cnn-browser-latency-"))
    labs = {}
    results: dict[str, dict[str, list[dict]]] = {config: {} for config in configs}
    before = baseline_modules(baseline) if "before" in configs else set()
    try:
        for config in configs:
            labs[config] = start(tmp, config, [m for m in modules if config != "before" or m in before], baseline)
        with sync_playwright() as pw:
            context = pw.chromium.launch_persistent_context(
                str(tmp / "chromium"), executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
                viewport={"width": 1400, "height": 1000})
            context.set_default_timeout(120_000)
            for module in modules:
                print(f"{module} ...", flush=True)
                opened = {config: open_widget(context.new_page(), lab, module) for config, lab in labs.items()
                          if config != "before" or module in before}
                for config, (nb, specs) in opened.items():
                    measure(nb, specs, 1)  # warm-up
                    results[config][module] = []
                for _ in range(rounds):
                    for config, (nb, specs) in opened.items():
                        nb.page.bring_to_front()
                        results[config][module] += measure(nb, specs, 1)
                for nb, _ in opened.values():
                    nb.close()
                    nb.page.close()
            context.close()
    finally:
        for lab in labs.values():
            stop_lab(lab)
        shutil.rmtree(tmp, ignore_errors=True)
    return results


def median(values: list[float]) -> float:
    return round(statistics.median(values), 1) if values else float("nan")


def summarize(results: dict[str, dict[str, list[dict]]]) -> list[dict]:
    rows = []
    for config, by_module in results.items():
        for module, samples in by_module.items():
            phases = [s["phases"] for s in samples if s["phases"]]
            pictures = [s["picture"] - s["t0"] for s in samples if s["picture"] is not None]
            row = {"config": config, "widget": module, "n": len(pictures),
                   "no picture": len(samples) - len(pictures), "picture": median(pictures)}
            for key in ("first", "decoded", "python", *PHASES, "messages_before_picture", "carrier_bytes"):
                row[key] = median([p[key] for p in phases])
            rows.append(row)
    return rows


def print_table(rows: list[dict]) -> None:
    keys = ["picture", "first", "decoded", "python", *PHASES, "messages_before_picture"]
    short = {"messages_before_picture": "msgs before"}
    order = list(CONFIGS)
    print(f"{'config':7s} {'widget':20s} {'n':>3s} " + " ".join(f"{short.get(k, k):>14s}" for k in keys))
    for r in sorted(rows, key=lambda r: (r["widget"], order.index(r["config"]))):
        print(f"{r['config']:7s} {r['widget']:20s} {r['n']:3d} " + " ".join(f"{r[k]:14.1f}" for k in keys))
    by = {(r["config"], r["widget"]): r["picture"] for r in rows}
    for module in sorted({r["widget"] for r in rows}):
        ratios = [f"{c} / course = {by[c, module] / by['course', module]:.2f}x ({by[c, module]} ms)"
                  for c in ("before", "stock") if (c, module) in by and ("course", module) in by]
        if ratios:
            print(f"{module:20s} course {by['course', module]} ms (target < 33 ms); " + "; ".join(ratios))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=4, help="measured rounds of every action per configuration")
    parser.add_argument("--widgets", nargs="+", default=None, help="widget modules (default: all)")
    parser.add_argument("--configs", nargs="+", default=list(CONFIGS), choices=list(CONFIGS))
    parser.add_argument("--baseline", default=BASELINE, help="commit of the 'before' widgets")
    args = parser.parse_args()
    modules = args.widgets or widget_modules()
    load = os.getloadavg()
    started = time.time()
    results = run(modules, args.rounds, args.configs, args.baseline)
    rows = summarize(results)
    print(f"load average at start {load[0]:.1f}, at end {os.getloadavg()[0]:.1f}; {time.time() - started:.0f} s")
    print_table(rows)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"date_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                               "load_average": [load, os.getloadavg()], "rounds": args.rounds, "summary": rows,
                               "samples": results}, indent=1) + "\n")
    print(f"-> {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
