"""One writer at a time, and no reader that sees half of a change.

Every command that writes a ledger (the imports, bokslut, period-close, the
period lock, the example generator) runs inside `writing(ledger, command)`:
an exclusive `fcntl.flock` on `.namndbok-skrivlas` in the ledger's folder, taken
before the command reads the ledger and released after it has verified what it
wrote (or put everything back). The kernel releases it when the process dies,
so a killed writer never leaves a lock behind; what it left half-written is
undone (`namndbok.journal`) by the next command that takes the lock.

Every load through `namndbok.loading.load` (all our commands) and every load
of Fava with our extension (`namndbok_fava`) runs inside `reading(ledger)`: a
shared flock on the same file. A reader therefore waits while a writer holds
the lock, and a writer waits while a reader loads; no reader of ours can see
a mix of old and new files. A second writer, or a reader, waits at most
`WAIT_SECONDS` (env NAMNDBOK_VANTA) and says so in Swedish, then gives up
with `BusyError`.

Readers we do not control (bean-check, bean-query, Fava's first load, a
notebook calling Beancount's loader) take no lock; `namndbok.plugins.skrivlas` checks
their load instead (`check_load`): a load made while a change was under way
or after one was interrupted is refused, and so is a load by a one-shot
Beancount command (bean-check …) of a ledger that a writer changed after the
command started. ARCHITECTURE.md ("Skrivning och läsning") states the guarantee.

`journaled(ledger, command)` keeps the originals of the files a writer changes
(`namndbok.journal.Originals`); it refuses to run without the write lock, so no
writer can change a file without holding it.
"""

from __future__ import annotations

import errno
import fcntl
import functools
import json
import os
import socket
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, NamedTuple

from namndbok.fileio import absolute
from namndbok.journal import BusyError, Originals, journal_for, process_start, recover

LOCK_FILE = ".namndbok-skrivlas"
WAIT_SECONDS = 120.0
POLL_SECONDS = 0.05
# bean-check and its kind load once and exit: a change after the process started is a change during its load.
ONE_SHOT_COMMANDS = ("bean-check", "bean-query", "bean-report", "bean-doctor", "fava")
# Of those, the ones that load through Beancount's pickle cache (Fava loads uncached).
PICKLE_CACHE_COMMANDS = ("bean-check", "bean-query", "bean-report", "bean-doctor")
CLOCK_MARGIN_NS = 30_000_000  # the process start, from /proc in clock ticks, is known to about 20 ms


class CannotWrite(BusyError):
    """The ledger's folder cannot hold the write lock: nothing can be written there (Swedish, for the user)."""


class NotLocked(RuntimeError):
    """A writer tried to change a ledger without holding its write lock (a programming error)."""


class Held(NamedTuple):
    exclusive: bool
    fd: int


_held = threading.local()  # per thread: {folder: Held} while inside writing() or reading()


def _held_here() -> dict[Path, Held]:
    if not hasattr(_held, "folders"):
        _held.folders = {}
    return _held.folders


def folder_of(ledger: str | Path) -> Path:
    return absolute(ledger).parent


def lock_path(ledger: str | Path) -> Path:
    return folder_of(ledger) / LOCK_FILE


def wait_seconds() -> float:
    try:
        return float(os.environ.get("NAMNDBOK_VANTA", WAIT_SECONDS))
    except ValueError:
        return WAIT_SECONDS


def say(text: str) -> None:
    """A Swedish line to the user on standard error (looked up at the call: click's test runner swaps it)."""
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def _holder_text(fd: int) -> str:
    """Who holds the lock, from what the holder wrote in the lock file ('' when unknown)."""
    info = _read_info(fd)
    if not info.get("kommando"):
        return ""
    return f"`{info['kommando']}` (process {info.get('pid', '?')})"


def _read_info(fd: int) -> dict:
    try:
        raw = os.pread(fd, 65536, 0)
        info = json.loads(raw.decode("utf-8")) if raw else {}
        return info if isinstance(info, dict) else {}
    except (OSError, ValueError):
        return {}


def _write_info(fd: int, info: dict) -> None:
    """The lock file's record, rewritten in place (never renamed: the lock is on this inode).
    A lock file another user made, which we may lock but not write, keeps its record."""
    raw = json.dumps(info, ensure_ascii=False).encode("utf-8")
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, raw, 0)
    except OSError as err:
        if err.errno not in (errno.EBADF, errno.EINVAL, errno.EACCES, errno.EPERM):
            raise


def _acquire(fd: int, exclusive: bool, ledger: Path, waiting_for: str) -> None:
    """flock `fd`, waiting at most `wait_seconds()` with one Swedish line; BusyError after that."""
    mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
    try:
        fcntl.flock(fd, mode | fcntl.LOCK_NB)
        return
    except BlockingIOError:
        pass
    holder = _holder_text(fd) or "ett annat namndbok-kommando"
    limit = wait_seconds()
    say(f"Väntar på {holder}, som skriver i liggaren {ledger.name}, innan {waiting_for} (högst {limit:.0f} s) …")
    deadline = time.monotonic() + limit
    while True:
        time.sleep(POLL_SECONDS)
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise BusyError(
                    f"{_holder_text(fd) or 'Ett annat namndbok-kommando'} skriver fortfarande i liggaren {ledger} "
                    f"efter {limit:.0f} s. Vänta tills det är klart och kör sedan igen "
                    "(NAMNDBOK_VANTA anger hur många sekunder som väntas).") from None


def _open_lock(ledger: Path, create: bool) -> int | None:
    """The lock file, opened to be flocked (made when `create`); None when it is not there.
    flock needs no write access: a lock file we may only read is locked all the same."""
    path = lock_path(ledger)
    flags = os.O_RDWR | os.O_CLOEXEC | (os.O_CREAT if create else 0)
    try:
        return os.open(path, flags, 0o666)
    except FileNotFoundError:
        if create:
            raise
        return None
    except OSError as err:
        if err.errno not in (errno.EACCES, errno.EPERM, errno.EROFS) or not path.exists():
            raise
        return os.open(path, os.O_RDONLY | os.O_CLOEXEC)


@contextmanager
def _holding(ledger: Path, fd: int, exclusive: bool) -> Iterator[Held]:
    folders = _held_here()
    folder = folder_of(ledger)
    previous = folders.get(folder)
    held = folders[folder] = Held(exclusive, fd)
    try:
        yield held
    finally:
        if previous is None:
            folders.pop(folder, None)
        else:
            folders[folder] = previous


def holds(ledger: str | Path, exclusive: bool = False) -> bool:
    """Whether this thread holds the ledger folder's lock (the write lock, with `exclusive`)."""
    held = _held_here().get(folder_of(ledger))
    return held is not None and (held.exclusive or not exclusive)


@contextmanager
def writing(ledger: str | Path, command: str) -> Iterator[None]:
    """Hold the write lock on `ledger`'s folder for the whole command (read, write, verify).

    An interrupted earlier command's half-written files are put back first. Inside,
    `journaled` may change files. Nested in another `writing` of this thread, it
    only runs the block."""
    ledger = absolute(ledger)
    if holds(ledger, exclusive=True):
        yield
        return
    if holds(ledger):
        raise NotLocked("a reader of this thread cannot become a writer (the shared lock would deadlock)")
    from namndbok.fileio import cannot_write

    try:
        fd = _open_lock(ledger, create=True)
    except OSError as err:
        raise CannotWrite(cannot_write(OSError(err.errno, err.strerror, str(folder_of(ledger))))) from None
    try:
        _acquire(fd, True, ledger, f"`{command}` börjar")
        info = _read_info(fd)
        info.update(kommando=command, pid=os.getpid(), dator=socket.gethostname(), start=process_start(os.getpid()))
        _write_info(fd, info)
        with _holding(ledger, fd, exclusive=True):
            _recover(ledger)
            yield
    finally:
        os.close(fd)  # releases the flock


def writer(command: str):
    """Decorate a function whose first argument is the ledger: it runs inside `writing(ledger, command)`,
    and gets the ledger's absolute path (Beancount names every file it read by its absolute path)."""

    def decorate(function):
        @functools.wraps(function)
        def locked(ledger, *args, **kwargs):
            ledger = absolute(ledger)
            with writing(ledger, command):
                return function(ledger, *args, **kwargs)

        return locked

    return decorate


@contextmanager
def reading(ledger: str | Path) -> Iterator[None]:
    """Hold the shared lock on `ledger`'s folder while the block reads it.

    Waits for a writer; puts back what an interrupted writer left (taking the write
    lock for that moment). Inside a `writing` or `reading` of this thread it only runs
    the block. Where the folder cannot hold a lock file (read-only, no file yet) the
    block runs without one, and `namndbok.plugins.skrivlas` checks the load."""
    ledger = absolute(ledger)
    if holds(ledger):
        yield
        return
    try:
        fd = _open_lock(ledger, create=os.access(folder_of(ledger), os.W_OK))
    except OSError:
        fd = None
    if fd is None:
        yield
        return
    try:
        _acquire(fd, False, ledger, "liggaren läses")
        if journal_for(ledger).is_dir() and os.access(folder_of(ledger), os.W_OK):
            fcntl.flock(fd, fcntl.LOCK_UN)
            _acquire(fd, True, ledger, "liggaren återställs")
            with _holding(ledger, fd, exclusive=True):
                _recover(ledger)
            _acquire(fd, False, ledger, "liggaren läses")
        with _holding(ledger, fd, exclusive=False):
            yield
    finally:
        os.close(fd)


def _recover(ledger: Path) -> None:
    """Put back what an interrupted writer left, and say so (with the lock held exclusively)."""
    recovered = recover(ledger)
    if recovered:
        _stamp(ledger)
        names = ", ".join(p.name for p in recovered.paths)
        count = len(recovered.paths)
        say(f"Ett avbrutet `{recovered.command}` har ångrats: {count} {'fil' if count == 1 else 'filer'} är som före "
            f"kommandot ({names}). Kör det igen.")


def _stamp(ledger: Path) -> None:
    """Record in the lock file when this writer last changed the ledger (checked by `check_load`)."""
    held = _held_here().get(folder_of(ledger))
    if held is not None and held.exclusive:
        info = _read_info(held.fd)
        info["andrad"] = time.time_ns()
        _write_info(held.fd, info)


@contextmanager
def journaled(ledger: str | Path, command: str) -> Iterator[Originals]:
    """The originals of the files a writer changes, journaled beside `ledger`: put back if
    the block raises (or the process dies), else dropped. Requires the write lock."""
    ledger = absolute(ledger)
    if not holds(ledger, exclusive=True):
        raise NotLocked(f"{command} changes {ledger} without its write lock (namndbok.writer_lock.writing)")
    originals = Originals(journal_for(ledger), command)
    try:
        yield originals
    except BaseException:
        originals.put_back()
        raise
    finally:
        if originals:
            _stamp(ledger)  # before the journal goes: a reader sees one or the other
        originals.done()


# -- the check of a load that took no lock (namndbok.plugins.skrivlas) ----------------------------


class WriteError(NamedTuple):
    source: dict
    message: str
    entry: object


def check_load(ledger: str | Path) -> list[WriteError]:
    """Errors when a load of `ledger` may mix files from before and after a change.

    Nothing to check when this thread holds the folder's lock (our loads). Otherwise the
    load is refused when a change is under way or was interrupted (the journal is there),
    and, for a one-shot Beancount command, when a writer changed the ledger after the
    command started."""
    ledger = absolute(ledger)
    if holds(ledger):
        return []
    source = {"filename": str(ledger), "lineno": 0}
    journal = journal_for(ledger)
    if journal.is_dir():
        return [WriteError(source, (
            "Liggaren lästes medan ett namndbok-kommando skrev i den, eller efter att ett sådant avbröts "
            f"({journal.name}/ finns): det som lästes kan vara hälften före och hälften efter ändringen. "
            "Läs om när kommandot är klart; ett avbrutet kommando ångras av nästa namndbok-kommando "
            "(t.ex. `namndbok kontrollera`)."), None)]
    started = _one_shot_start_ns()
    changed = _last_change_ns(ledger)
    if started is not None and changed is not None and changed >= started - CLOCK_MARGIN_NS:
        return [WriteError(source, (
            "Liggaren ändrades av ett namndbok-kommando medan den lästes: det som lästes kan vara hälften "
            "före och hälften efter ändringen. Läs om."), None)]
    return []


def tie_pickle_cache(options_map, refused: bool) -> None:
    """Keep Beancount's pickle cache (used by bean-check & co., off in our loads) from serving
    a load across a write: the lock file, which every writer rewrites when it is done, joins
    the files whose times the cache checks; and a refused load names the cache file itself,
    which it writes only after the check, so that it is never served again."""
    if _program() not in PICKLE_CACHE_COMMANDS:
        return  # Fava loads uncached (and shows the include list in its editor)
    from beancount import loader

    ledger = absolute(options_map["filename"])
    extra = [str(lock_path(ledger))] if lock_path(ledger).exists() else []
    if refused:
        pattern = os.getenv("BEANCOUNT_LOAD_CACHE_FILENAME") or loader.PICKLE_CACHE_FILENAME
        extra.append(loader.get_cache_filename(pattern, str(ledger)))
    options_map["include"] = sorted({*options_map.get("include", []), *extra})


def _last_change_ns(ledger: Path) -> int | None:
    try:
        fd = os.open(lock_path(ledger), os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        changed = _read_info(fd).get("andrad")
    finally:
        os.close(fd)
    return changed if isinstance(changed, int) else None


def _one_shot_start_ns() -> int | None:
    """When this process started (ns since the epoch), if it is a one-shot Beancount command; else None."""
    if _program() not in ONE_SHOT_COMMANDS:
        return None
    return process_start_ns()


def _program() -> str:
    """The name of the program this process runs (bean-check …; '' when unknown)."""
    return Path(sys.argv[0]).name if sys.argv and sys.argv[0] else ""


def process_start_ns() -> int | None:
    """This process's start time in ns since the epoch, from /proc (None where there is none)."""
    ticks = process_start(os.getpid())
    try:
        uptime = float(Path("/proc/uptime").read_text(encoding="ascii").split()[0])
    except (OSError, ValueError, IndexError):
        return None
    if ticks is None:
        return None
    return time.time_ns() - int((uptime - ticks / os.sysconf("SC_CLK_TCK")) * 1e9)
