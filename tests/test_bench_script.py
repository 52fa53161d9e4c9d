"""scripts/bench.py's case list: every case is reachable by --only and listed by --help (no benchmark runs)."""

import importlib.util
import subprocess
import sys
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"


def _bench_module():
    sys.path.insert(0, str(SCRIPTS))
    try:
        spec = importlib.util.spec_from_file_location("bench_under_test", SCRIPTS / "bench.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(SCRIPTS))


def test_every_case_method_is_in_cases_and_help():
    bench = _bench_module()
    helpers = {"fresh", "add"}
    methods = {name for name, value in vars(bench.Bench).items()
               if callable(value) and not name.startswith("_") and name not in helpers}
    assert methods == set(bench.CASES)
    assert {"read", "serve", "pages"} <= methods
    shown = subprocess.run([sys.executable, str(SCRIPTS / "bench.py"), "--help"],
                           capture_output=True, text=True, check=True).stdout
    listed = " ".join(shown.split())  # argparse wraps the list
    for case in bench.CASES:
        assert case in listed


def test_unknown_case_is_refused_before_running_anything():
    done = subprocess.run([sys.executable, str(SCRIPTS / "bench.py"), "--only", "read,no_such_case"],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert "unknown case(s) no_such_case" in done.stderr
    assert "[read]" not in done.stdout


def test_grown_articles_reach_the_size_asked_for():
    sys.path.insert(0, str(SCRIPTS))
    try:
        from benchlib import grow_article
    finally:
        sys.path.remove(str(SCRIPTS))
    for kind in ("txt", "md", "html"):
        text = grow_article(kind, 60_000)
        assert 60_000 <= len(text.encode("utf-8")) < 80_000, kind
