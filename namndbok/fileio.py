"""Writing ledger and report files so that a reader never sees half a file."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path


# Why the operating system refused, in Swedish (OSError.strerror is English).
OS_REASONS = {
    errno.ENOENT: "filen finns inte",
    errno.EACCES: "åtkomst nekas",
    errno.EPERM: "åtkomst nekas",
    errno.EISDIR: "det är en mapp",
    errno.ENOTDIR: "en del av sökvägen är ingen mapp",
    errno.ENAMETOOLONG: "namnet är för långt",
    errno.ENOSPC: "disken är full",
    errno.EROFS: "filsystemet är skrivskyddat",
    errno.EADDRINUSE: "porten används redan",
    errno.EADDRNOTAVAIL: "adressen finns inte på den här datorn",
}


def absolute(path: str | Path) -> Path:
    """`path` absolute and without `..`, as Beancount names the files it reads (os.path.abspath;
    Path.absolute keeps `..`): every path our commands take is resolved here, once, at the edge."""
    return Path(os.path.abspath(path))


def shown(path: str | Path) -> str:
    """A path as a user reads it: relative to the working folder when it lies below it, else absolute."""
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


def shown_in(text: str) -> str:
    """`text` with the paths below the working folder written relative to it, as `shown` writes one."""
    return text.replace(os.getcwd().rstrip(os.sep) + os.sep, "")


def os_reason(err: OSError, default: str = "operativsystemet vägrade") -> str:
    """Why an OSError happened, in Swedish (with the system's code where there is no Swedish text)."""
    if err.errno in OS_REASONS:
        return OS_REASONS[err.errno]
    return f"{default}: {errno.errorcode[err.errno]}" if err.errno in errno.errorcode else default


def check_writable(folder: str | Path) -> None:
    """Raise OSError (its filename: the folder) when a file cannot be written in `folder`,
    or, while it does not exist, in the nearest folder above it (where it would be made).
    A command checks its folders with it before it writes anything: nothing half-written."""
    folder = Path(folder).absolute()
    existing = next((p for p in (folder, *folder.parents) if p.exists()), folder)
    try:
        fd, probe = tempfile.mkstemp(prefix=".namndbok-prov-", dir=existing)
    except OSError as err:
        raise OSError(err.errno, err.strerror, str(existing)) from None
    os.close(fd)
    os.unlink(probe)


def cannot_write(err: OSError) -> str:
    """Why nothing could be written (an OSError of `check_writable`), and what to do (Swedish)."""
    return (f"Kan inte skriva i {err.filename} ({os_reason(err)}); inget är ändrat. "
            "Ge den användare som kör Nämndbok skrivrätt till mappen, eller kör som en användare som har det.")


def write_refusal(err: OSError, folders) -> str:
    """Why a write failed (`err`), said of the first of `folders` that cannot be written in
    (`cannot_write`), else of the file (Swedish)."""
    for folder in dict.fromkeys(folders):
        try:
            check_writable(folder)
        except OSError as refused:
            return cannot_write(refused)
    return f"Kan inte skriva {err.filename} ({os_reason(err)}); inget är ändrat."


def atomic_write_text(path: str | Path, text: str) -> bool:
    """Write `text` (UTF-8) to `path` atomically; see `atomic_write_bytes`."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: str | Path, data: bytes) -> bool:
    """Write `data` to `path` through a temporary file and a rename.

    The file is either the old one or the new one, never a mix, even if the
    process is killed in the middle. Returns False (and writes nothing) when the
    file already holds exactly these bytes, so re-running a command is a no-op.
    """
    path = Path(path)
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)  # mkstemp makes 0600; keep the file's own (or the usual) mode
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return True


def file_stamp(path: str | Path) -> tuple | None:
    """What tells one version of a file from another without reading it: inode, size,
    mtime and ctime (an edit, an atomic replace and a restore each change one; ctime
    cannot be set back). None when the file is missing."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths in one step (Linux renameat2 RENAME_EXCHANGE); False where the system cannot."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    if ctypes.get_errno() in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    err = ctypes.get_errno()
    raise OSError(err, os.strerror(err), str(b))


def atomic_replace_dir(folder: str | Path, files: dict[str, bytes]) -> None:
    """Make `folder` hold exactly `files` (relative path → bytes): written into a temporary folder
    beside it (named with a leading dot, which Spark and Hive skip), then swapped in in one step
    (renameat2 where Linux has it; else the old folder is renamed away first, a moment without
    it), and the old folder removed. A reader sees the old dataset or the new, never a mix."""
    import shutil

    folder = absolute(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".tmp", dir=folder.parent))
    try:
        for relative, data in files.items():
            path = tmp / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(tmp, 0o777 & ~_umask())
        if folder.exists() and _exchange(tmp, folder):
            shutil.rmtree(tmp)  # now the old one
            return
        old = None
        if folder.exists():
            old = folder.parent / f"{tmp.name}.old"
            os.rename(folder, old)
        try:
            os.rename(tmp, folder)
        except BaseException:
            if old is not None:
                os.rename(old, folder)
            raise
        if old is not None:
            shutil.rmtree(old)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
