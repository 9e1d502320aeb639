#!/usr/bin/env python3
"""Set up Nämndbok in .venv (if needed) and run it.

    python3 run.py fava     # serve the example committee in Fava on 127.0.0.1
    python3 run.py test     # run the whole test suite

Needs only Python 3.11+ with pip and venv. The first run creates .venv and
installs the project with its dependencies; later runs reinstall only when
pyproject.toml has changed. Anything after the command word goes to it, e.g.
`python3 run.py test -k kontoplan` or `python3 run.py fava --port 5001`.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

USAGE = """Användning:
    python3 run.py fava     visa exempelnämnden i Fava på http://127.0.0.1:5000/
    python3 run.py test     kör hela testsviten

Allt efter kommandoordet går vidare, t.ex. `python3 run.py test -k kontoplan`
eller `python3 run.py fava --port 5001`. Första gången skapas .venv med Nämndbok
och dess beroenden; sedan installeras de om bara när pyproject.toml har ändrats."""

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".namndbok-installed"


def say(text: str) -> None:
    print(f"[run.py] {text}", flush=True)


def ensure_venv(extras: tuple[str, ...]) -> None:
    """.venv with Nämndbok and `extras` (test; spark only for the tests: pyspark is 0,5 GB)."""
    if sys.version_info < (3, 11):
        sys.exit("Nämndbok behöver Python 3.11 eller senare.")
    if not (BIN / "python").exists():
        say("Skapar .venv …")
        try:
            venv.create(VENV, with_pip=True)
        except (OSError, subprocess.CalledProcessError):
            sys.exit("Kunde inte skapa .venv med pip: Pythons moduler venv och ensurepip behövs "
                     "(på Debian och Ubuntu: apt install python3-venv). Ta bort .venv och försök igen.")
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    done_before = STAMP.read_text().split() if STAMP.exists() else []
    if done_before[:1] == [wanted] and set(extras) <= set(done_before[1:]):
        return
    extras = tuple(sorted(set(extras) | (set(done_before[1:]) if done_before[:1] == [wanted] else set())))
    say("Installerar Nämndbok och dess beroenden i .venv (första gången tar det en stund) …")
    pip = [str(BIN / "python"), "-m", "pip", "--disable-pip-version-check"]
    for args in (["install", "--quiet", "--upgrade", "pip"], ["install", "--quiet", "-e", f"{ROOT}[{','.join(extras)}]"]):
        # pip's and setuptools' own warnings are for developers; shown only when pip fails.
        done = subprocess.run([*pip, *args], capture_output=True, text=True)
        if done.returncode != 0:
            sys.stderr.write(done.stdout + done.stderr)
            sys.exit(f"[run.py] Installationen misslyckades (pip {' '.join(args)}); se pips utskrift ovan.")
    STAMP.write_text(" ".join((wanted, *extras)))


# Debian packages the tests drive for real: Chromium (browser tests; PDF reports
# are printed by its headless shell when installed, which starts 2x faster),
# poppler-utils (reading the PDFs back), hledger and ledger (their budget reports
# against ours, bench/tests/test_generera.py), Java (Spark reading the kommun's Parquet,
# tests/test_fakta_kommun.py). Installed when missing and we are root.
DEBIAN_FOR_TESTS = {"chromium": "chromium", "chromium-headless-shell": "chromium-headless-shell",
                    "pdftoppm": "poppler-utils", "hledger": "hledger", "ledger": "ledger", "java": "default-jre-headless"}


def ensure_debian_packages() -> None:
    import shutil

    missing = sorted({pkg for command, pkg in DEBIAN_FOR_TESTS.items() if shutil.which(command) is None})
    if not missing:
        return
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        say(f"Saknar {', '.join(missing)} (Debian-paket); installera dem för att köra alla tester.")
        return
    say(f"Installerar {', '.join(missing)} med apt-get …")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, stdout=subprocess.DEVNULL)
    subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=True, env=env, stdout=subprocess.DEVNULL)


def main(argv: list[str]) -> int:
    command, rest = (argv[0], argv[1:]) if argv else ("fava", [])
    if command not in ("fava", "test"):  # help, or a typo: said before anything is installed
        print(USAGE)
        return 0 if command in ("-h", "--help", "help") else 2
    ensure_venv(("test",) if command == "fava" else ("test", "spark"))
    if command == "fava":
        args = [str(BIN / "namndbok"), "fava", *rest]
    elif command == "test":
        ensure_debian_packages()
        args = [str(BIN / "python"), "-m", "pytest", *rest]
    os.chdir(ROOT)
    os.execv(args[0], args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
