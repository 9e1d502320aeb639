"""Shared fixtures: the example ledger, loaded once through Beancount."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from beancount import loader

# Kept loads (namndbok.load_cache) go to a folder of the test run's own, also for the
# commands the tests start as subprocesses, and are removed with it. A process the run
# starts that imports this module (the atheris children, through the test modules) uses
# the run's folder: it may end without Python's finalizers, which would leave its own.
if "NAMNDBOK_TEST_CACHE_DIR" in os.environ:
    os.environ["NAMNDBOK_CACHE_DIR"] = os.environ["NAMNDBOK_TEST_CACHE_DIR"]
else:
    _CACHE_DIR = tempfile.TemporaryDirectory(prefix="namndbok-cache-")
    os.environ["NAMNDBOK_CACHE_DIR"] = os.environ["NAMNDBOK_TEST_CACHE_DIR"] = _CACHE_DIR.name

# The tests load ledgers with Beancount's loader too (beside ours, which never uses its pickle
# cache): never from a pickle of an earlier test's ledger. (Importing our code leaves the cache
# as Beancount sets it; this test process chooses.)
loader.initialize(use_cache=False)

REPO = Path(__file__).resolve().parents[1]
EXAMPLE_DIR = REPO / "ledgers" / "exempel"
EXAMPLE_LEDGER = EXAMPLE_DIR / "socialnamnden.beancount"
SHARED = REPO.parent / "shared"


def shared_missing(part: str) -> str | None:
    """Why a test that reads ../shared/`part` (real files the team shares beside the
    checkout, not in it) cannot run here; None when they are there."""
    return None if (SHARED / part).exists() else f"../shared/{part} finns inte bredvid utcheckningen (delade testfiler)"


def needs_shared(part: str):
    """Skip a test (or, as `pytestmark`, a file) whose files lie in ../shared/`part`, with the reason."""
    reason = shared_missing(part)
    return pytest.mark.skipif(reason is not None, reason=reason or "")


def shared_files(part: str, suffixes: tuple[str, ...] = (".se", ".si")) -> list[Path]:
    """The files in ../shared/`part` with one of `suffixes`, sorted; none when it is not there
    (the parametrized tests over them then skip, naming the folder)."""
    folder = SHARED / part
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in suffixes) if folder.is_dir() else []


@pytest.fixture(scope="session")
def example_ledger():
    """(entries, errors, options_map) of the example committee."""
    return loader.load_file(str(EXAMPLE_LEDGER))


ROOT_OPTIONS = """\
option "name_assets" "Tillgångar"
option "name_liabilities" "Skulder"
option "name_equity" "Eget-kapital"
option "name_income" "Intäkter"
option "name_expenses" "Kostnader"
"""


@pytest.fixture
def write_ledger(tmp_path):
    """Write a ledger (our root names, the example kontoplan, namndbok.plugins.namndbok) and load it."""

    def write(body: str, kontoplan: str | None = None, periodisering: str | None = None, name: str = "main.beancount"):
        plan = tmp_path / "kontoplan.toml"
        plan.write_text(kontoplan if kontoplan is not None else (EXAMPLE_DIR / "kontoplan.toml").read_text(encoding="utf-8"), encoding="utf-8")
        settings = "kontoplan=kontoplan.toml"
        if periodisering is not None:
            (tmp_path / "periodisering.toml").write_text(periodisering, encoding="utf-8")
            settings += "; periodisering=periodisering.toml"
        path = tmp_path / name
        text = (ROOT_OPTIONS + 'option "operating_currency" "SEK"\n'
                'option "account_previous_earnings" "Tidigare-års-resultat"\n'
                f'plugin "namndbok.plugins.namndbok" "{settings}"\n' + body)
        path.write_text(text, encoding="utf-8")
        return (path, *loader.load_file(str(path)))

    return write


def run(*args):
    """`namndbok ARGS` in this process: (exit code, what it printed)."""
    from click.testing import CliRunner

    from namndbok.scripts.cli import main

    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.output


@pytest.fixture
def example_copy(tmp_path):
    """A copy of the example in tmp_path/exempel, without its report sets: its main file."""
    copy = tmp_path / "exempel"
    shutil.copytree(EXAMPLE_DIR, copy, ignore=shutil.ignore_patterns("rapporter"))
    return copy / EXAMPLE_LEDGER.name


def snapshot(folder):
    """Every file below `folder`, but the period's report sets (derived, rewritten by the next run)
    and the write lock's file (bookkeeping: who wrote last): {relative path: (bytes, mtime in ns)}."""
    from namndbok.writer_lock import LOCK_FILE

    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in folder.rglob("*") if p.is_file() and "rapporter" not in p.parts and p.name != LOCK_FILE}


def contents(shot):
    """A snapshot's files without their mtimes: {relative path: bytes}."""
    return {name: data for name, (data, _) in shot.items()}


def line_of(path, needle: str) -> int:
    """The first line of a file that contains `needle`."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_fava(*args: str, timeout: float = 90, cwd=REPO, env: dict | None = None):
    """`namndbok fava ARGS` on a free port, started in `cwd` (with `env`), answering: (process, the URL
    it printed, everything it printed up to and including that URL)."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "namndbok.scripts.cli", "fava", *args, "--port", str(port)],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = None
    deadline = time.monotonic() + timeout
    lines = []
    while time.monotonic() < deadline and url is None:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        match = re.search(r"(http://[^/\s]+:\d+/\S+)", line)
        if match:
            url = match.group(1)
    if url is None:
        proc.kill()
        proc.wait()
        proc.stdout.close()
        pytest.fail("Fava printed no address:\n" + "".join(lines))
    # Wait until the server answers.
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5)
            break
        except OSError:
            time.sleep(0.2)
    return proc, url, "".join(lines)


@pytest.fixture(scope="session")
def fava_url():
    """Start `namndbok fava` on the example ledger; yield its income statement URL."""
    proc, url, _ = start_fava(timeout=60)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def read_both_ways(data: bytes, path: str = "test.se"):
    """(the fast reading, the tokenizer's), each a SieFile or the SourceError's text."""
    from namndbok.importers.model import SourceError
    from namndbok.importers.sie.parser import parse_sie

    found = []
    for fast in (True, False):
        try:
            found.append(parse_sie(data, path, fast=fast))
        except SourceError as err:
            found.append(str(err))
    return found


@pytest.fixture
def loads(monkeypatch):
    """How many times Beancount itself loaded a ledger (namndbok.loading.beancount_load), counted."""
    from namndbok import loading

    count = {"n": 0}
    real = loading.beancount_load

    def counted(*args, **kwargs):
        count["n"] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(loading, "beancount_load", counted)
    return count


CHROMIUM = Path("/usr/bin/chromium")  # Debian's, installed by the project's setup (run.py test)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium through Playwright, one per test module (skipped where it is not installed)."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium (/usr/bin/chromium) is not installed")
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
