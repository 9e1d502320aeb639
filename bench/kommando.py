"""A cold `namndbok uppfoljning` against Beancount's own `bean-check` on the same ledger.

What a user feels is the whole command: start-up, Beancount's load with our
plugins, the engine and the table. Both commands run as subprocesses, cold:
our kept load off (`NAMNDBOK_CACHE=0`) and Beancount's pickle cache off
(`BEANCOUNT_DISABLE_LOAD_CACHE`), so each reads and books the ledger anew
(the files themselves are in the OS's cache after the first run). The two
alternate run by run, so that a busy spell on a shared machine falls on both;
each figure is the median of the runs. The ratio is ours over bean-check's,
of the wall times (the goal) and of the commands' own CPU time (user + system,
from the children's rusage), which a busy machine's waiting for a core leaves
out.
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import NamedTuple

REPO = Path(__file__).resolve().parents[1]
COLD = {"NAMNDBOK_CACHE": "0", "BEANCOUNT_DISABLE_LOAD_CACHE": "1"}
GOAL = 1.3  # the whole command within 1.3 × bean-check


class CommandFigure(NamedTuple):
    label: str
    uppfoljning_s: float  # wall time, median
    bean_check_s: float
    uppfoljning_cpu_s: float  # the command's own CPU time, median
    bean_check_cpu_s: float

    @property
    def ratio(self) -> float:
        return self.uppfoljning_s / self.bean_check_s

    @property
    def cpu_ratio(self) -> float:
        return self.uppfoljning_cpu_s / self.bean_check_cpu_s


def commands(ledger: Path, per: str) -> dict[str, list[str]]:
    """The two commands on `ledger`: ours (as `namndbok` runs it) and Beancount's."""
    bean_check = Path(sys.executable).with_name("bean-check")
    return {"uppfoljning": [sys.executable, "-m", "namndbok.scripts.cli", "uppfoljning", str(ledger), "--per", per],
            "bean-check": [str(bean_check) if bean_check.exists() else shutil.which("bean-check") or "bean-check",
                           str(ledger)]}


def compare(label: str, ledger: Path, per: str, runs: int) -> CommandFigure:
    """Median wall time of each command over `runs` alternating runs; a failing command is an error."""
    env = {**os.environ, **COLD}
    times: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    for _ in range(runs):
        for name, command in commands(ledger, per).items():
            used, start = _children_cpu(), time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=REPO)
            times.setdefault(name, []).append(time.perf_counter() - start)
            cpu.setdefault(name, []).append(_children_cpu() - used)
            if done.returncode != 0:
                raise RuntimeError(f"{name} {ledger} misslyckades (kod {done.returncode}): "
                                   f"{(done.stderr or done.stdout).strip()[-500:]}")
    return CommandFigure(label, *(statistics.median(values[name]) for values in (times, cpu)
                                  for name in ("uppfoljning", "bean-check")))


def _children_cpu() -> float:
    """User + system seconds of this process's finished children."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
