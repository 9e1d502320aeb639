"""Lock files in git history: a sealed lock file is only ever added.

When the ledger is in a git repository, every lock file (`las.txt`, `las-*.txt`
below the main file's folder) is followed through the history of the current
branch (`git log --first-parent`) from the commit where it first appears sealed
(format 3, `namndbok.las`; older formats promised nothing): a later commit that
changes or deletes it, or a working copy that differs from it, breaks the lock.
A lock file changed and later put back is a warning (the closed period may have
been changed meanwhile). Plain `git` through subprocess; no git, or no
repository: `History.note` says what could not be checked.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import NamedTuple

from namndbok.las import FORMAT_3, LockBreach
from namndbok.loading import WARNING

GIT_TIMEOUT = 60


class Event(NamedTuple):
    commit: str
    author: str
    date: str
    status: str  # A, M or D


class Tracked(NamedTuple):
    """A lock file from the commit where it was first sealed."""

    path: str  # from the repository's top
    added: Event
    content: bytes
    later: tuple[Event, ...]  # commits that changed or deleted it afterwards


class History(NamedTuple):
    errors: list
    note: str | None  # what could not be checked, Swedish; None when checked


NOT_CHECKED = ("Obs: {why}, så det går inte att kontrollera att ingen låsfil har ändrats eller tagits bort i "
               "efterhand. Bara låsfilernas egna kontrollsummor och kedja kontrolleras: det senaste låset kan "
               "tas bort (fil och låsrad) utan att det syns. Lägg liggaren i git för att det ska synas.")


def _git(args: list[str], cwd: Path, stdin: bytes | None = None) -> bytes | None:
    try:
        done = subprocess.run(["git", "-c", "core.quotePath=false", *args], cwd=cwd, input=stdin, capture_output=True, timeout=GIT_TIMEOUT)
    except FileNotFoundError:
        raise  # no git: the caller says so
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


_kept: dict[tuple[str, str, str], list[Tracked]] = {}


def lock_history(main: Path) -> History:
    """Errors (LockBreach, at the lock file's line 1) for sealed lock files that git
    history shows changed or deleted, and a note when there is no history to check."""
    base = Path(main).absolute().parent
    try:
        top_head = _git(["rev-parse", "--show-toplevel", "HEAD"], base)
    except FileNotFoundError:
        return History([], NOT_CHECKED.format(why="git finns inte på datorn"))
    if top_head is None:
        if _git(["rev-parse", "--show-toplevel"], base) is not None:
            return History([], None)  # a repository without commits: nothing committed to check yet
        return History([], NOT_CHECKED.format(why="liggaren ligger inte i ett git-förråd"))
    top_text, head = top_head.decode("utf-8", errors="replace").splitlines()[:2]
    top = Path(top_text)
    try:
        relative = base.resolve().relative_to(top.resolve()).as_posix()
    except ValueError:
        return History([], NOT_CHECKED.format(why="liggarens mapp ligger inte i sitt git-förråd"))
    key = (str(top), head, relative)
    if key not in _kept:
        tracked = _tracked(top, relative)
        if tracked is None:
            return History([], NOT_CHECKED.format(why="git kunde inte läsa historiken"))
        if len(_kept) > 16:
            _kept.clear()
        _kept[key] = tracked
    return History([error for item in _kept[key] for error in _judge(top, item)], None)


def _tracked(top: Path, relative: str) -> list[Tracked] | None:
    prefix = "" if relative == "." else relative.rstrip("/") + "/"
    specs = [f":(glob){prefix}**/las.txt", f":(glob){prefix}**/las-*.txt"]
    log = _git(["log", "--first-parent", "--diff-merges=first-parent", "--no-renames", "--reverse",
                "--format=%x00%H%x09%an%x09%ad", "--date=short", "--name-status", "--", *specs], top)
    if log is None:
        return None
    events: dict[str, list[Event]] = {}
    for chunk in log.decode("utf-8", errors="replace").split("\x00")[1:]:
        lines = chunk.splitlines()
        commit, author, date = (lines[0].split("\t") + ["", ""])[:3]
        for line in lines[1:]:
            parts = line.split("\t")
            if len(parts) == 2 and parts[0][:1] in "AMD":
                events.setdefault(parts[1], []).append(Event(commit, author, date, parts[0][:1]))
    wanted = [(path, event) for path, found in events.items() for event in found if event.status != "D"]
    blobs = _blobs(top, [f"{event.commit}:{path}" for path, event in wanted])
    if blobs is None:
        return None
    content = {(path, event.commit): blob for (path, event), blob in zip(wanted, blobs)}
    tracked = []
    for path, found in events.items():
        first = next((i for i, event in enumerate(found) if event.status != "D"
                      and (content[(path, event.commit)] or b"").startswith(FORMAT_3.encode("utf-8"))), None)
        if first is not None:
            tracked.append(Tracked(path, found[first], content[(path, found[first].commit)], tuple(found[first + 1:])))
    return tracked


def _blobs(top: Path, names: list[str]) -> list[bytes | None] | None:
    """The content of each `commit:path` (one `git cat-file --batch`)."""
    if not names:
        return []
    out = _git(["cat-file", "--batch"], top, ("\n".join(names) + "\n").encode("utf-8"))
    if out is None:
        return None
    blobs: list[bytes | None] = []
    at = 0
    for _ in names:
        end = out.index(b"\n", at)
        header = out[at:end].split()
        if len(header) == 3 and header[1] == b"blob":
            size = int(header[2])
            blobs.append(out[end + 1:end + 1 + size])
            at = end + 1 + size + 1
        else:
            blobs.append(None)
            at = end + 1
    return blobs


def _commit(event: Event) -> str:
    return f"{event.commit[:10]} ({event.date}, {event.author})"


def _judge(top: Path, item: Tracked) -> list:
    path = top / item.path
    try:
        now = path.read_bytes() if path.is_file() else None
    except OSError:
        return []  # unreadable: namndbok.las.anchor says so
    source = {"filename": str(path), "lineno": 1}
    restore = f"Ett lås ändras aldrig och tas aldrig bort: hämta tillbaka det med `git checkout {item.added.commit[:10]} -- {item.path}`."
    later = item.later
    if now == item.content:
        if not later:
            return []
        return [LockBreach(source, (
            f"{WARNING} låsfilen {item.path} (låst i commit {_commit(item.added)}) ändrades eller togs bort i "
            f"{', '.join(_commit(e) for e in later)} och är nu återställd. Se efter i git att inget i den stängda "
            "perioden ändrades under tiden."), None)]
    if now is None:
        gone = next((e for e in reversed(later) if e.status == "D"), None)
        when = f"i commit {_commit(gone)}" if gone else "ur arbetskopian (inte committat)"
        return [LockBreach(source, (
            f"LÅSET ÄR BORTTAGET: låsfilen {item.path} lades till i commit {_commit(item.added)} och har tagits bort "
            f"{when}. {restore}"), None)]
    changed = [e for e in later if e.status == "M"]
    when = f"i {', '.join(_commit(e) for e in changed)}" if changed else "i arbetskopian (inte committat)"
    return [LockBreach(source, (
        f"LÅSET ÄR ÄNDRAT: låsfilen {item.path} lades till i commit {_commit(item.added)} och har ändrats {when}. "
        f"{restore}"), None)]
