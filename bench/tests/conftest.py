"""The benchmark's tests use the product tests' fixtures (tests/conftest.py), loaded under a name
of their own: both folders' conftest modules are called `conftest`."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_PATH = Path(__file__).resolve().parents[2] / "tests" / "conftest.py"
_SPEC = importlib.util.spec_from_file_location("namndbok_tests_conftest", _PATH)
shared = importlib.util.module_from_spec(_SPEC)
sys.modules[_SPEC.name] = shared
_SPEC.loader.exec_module(shared)

REPO = shared.REPO
EXAMPLE_DIR = shared.EXAMPLE_DIR
EXAMPLE_LEDGER = shared.EXAMPLE_LEDGER
example_ledger = shared.example_ledger
write_ledger = shared.write_ledger
