"""Browser-side widget latency: preset change in the kernel playground to the new picture on the page.

Runs the browser test that measures it (JupyterLab + headless Debian Chromium, median of 10) and prints the
result it writes to ``bench/out/browser_latency.json``. Needs what ``make test`` installs (``make
browser-deps``, Playwright from requirements-dev.txt).

    .venv/bin/python bench/browser_latency.py
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "browser_latency.json"


def main() -> int:
    test = "tests/browser/test_student_flow.py::test_playground_latency"
    proc = subprocess.run([sys.executable, "-m", "pytest", test, "-q", "-p", "no:cacheprovider"], cwd=ROOT)
    if proc.returncode != 0:
        return proc.returncode
    result = json.loads(OUT.read_text())
    print(json.dumps(result, indent=2))
    print(f"median {result['median_ms']} ms (n={len(result['samples_ms'])}) -> {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
