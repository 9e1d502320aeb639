"""A ledger folder that is a git work tree: one commit per change, and who last changed a line.

Used by the prognos input (`namndbok.prognos_write`): each submission is one
commit of exactly the files it changed (`commit_files`), with the person who
submitted as author; `line_authors` says, per line of a file, who committed it
and when (`git blame`), so that the economist sees who gave which prognos. `ledger_at`
writes the ledger's folder as it is at a revision (or as staged) to a temporary
folder, for `namndbok andringar`.

A commit never takes anything else with it: the changed files are added and
committed with `git commit --only -- PATHS`, which commits those paths as they
are in the work tree and leaves whatever else is staged staged (and out of the
commit). The repository's hooks are not run: the ledger was checked as written
already (the hook `namndbok ny` installs runs `namndbok kontrollera`, which would wait
for the write lock the submission holds). No git on the computer, or a folder outside a repository: nothing is
committed and `Committed.note` says so in Swedish. Plain `git` through subprocess.
"""

from __future__ import annotations

import datetime
import io
import os
import subprocess
import tarfile
from pathlib import Path
from typing import NamedTuple

GIT_TIMEOUT = 60
# The committer when git has no identity configured (the author is the person who submitted).
FALLBACK_COMMITTER = {"GIT_COMMITTER_NAME": "Nämndbok", "GIT_COMMITTER_EMAIL": ""}
UNCOMMITTED = "0000000000000000000000000000000000000000"


class Committed(NamedTuple):
    commit: str | None  # the new commit's short hash; None when nothing was committed
    note: str  # Swedish, for the user: what was committed, or why nothing was


class LineAuthor(NamedTuple):
    author: str
    when: datetime.datetime  # the commit's author time, local


def _git(args: list[str], cwd: Path, env: dict | None = None, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    """`git ARGS` in `cwd`; FileNotFoundError when there is no git."""
    return subprocess.run(["git", "-c", "core.quotePath=false", *args], cwd=cwd, capture_output=True, input=stdin,
                          timeout=GIT_TIMEOUT, env={**os.environ, **(env or {})})


def work_tree(folder: Path) -> tuple[Path | None, str | None]:
    """(the top of the git work tree holding `folder`, None) or (None, why there is none, Swedish)."""
    try:
        done = _git(["rev-parse", "--show-toplevel"], folder)
    except FileNotFoundError:
        return None, "git finns inte på datorn"
    except (OSError, subprocess.TimeoutExpired) as err:
        return None, f"git kunde inte köras ({err})"
    if done.returncode != 0:
        return None, "liggarens mapp är inget git-förråd"
    return Path(done.stdout.decode("utf-8", errors="replace").strip()), None


def _author_text(name: str) -> str:
    """`Name <>`: the person who submitted, without an e-mail address (git's identity is the committer's)."""
    return f"{name} <>"


def commit_files(folder: Path, paths: list[Path], message: str, author: str | None) -> Committed:
    """Commit exactly `paths` (files in `folder`'s work tree) with `message`, by `author` (None: git's
    configured user). Other staged changes stay staged and uncommitted."""
    top, why = work_tree(folder)
    if top is None:
        return Committed(None, f"Inte incheckad: {why}.")
    relative = [os.path.relpath(Path(path).resolve(), top.resolve()) for path in paths]
    env = {}
    if _git(["var", "GIT_COMMITTER_IDENT"], top).returncode != 0:
        env.update(FALLBACK_COMMITTER)  # no identity configured: the commit still names who submitted
        if author is None:
            author = FALLBACK_COMMITTER["GIT_COMMITTER_NAME"]
    added = _git(["add", "--", *relative], top)
    if added.returncode != 0:
        return Committed(None, f"Inte incheckad: git add misslyckades ({_said(added)}).")
    # No hooks: a ledger's pre-commit hook runs `namndbok kontrollera` (`namndbok ny` makes it), which would
    # wait for the write lock our caller holds; the caller has checked the ledger as written already.
    args = ["commit", "--quiet", "--no-verify", "--only", "-m", message]
    if author:
        args += ["--author", _author_text(author)]
    done = _git([*args, "--", *relative], top, env)
    if done.returncode != 0:
        return Committed(None, f"Inte incheckad: git commit misslyckades ({_said(done)}).")
    head = _git(["rev-parse", "--short", "HEAD"], top).stdout.decode().strip()
    return Committed(head, f"Incheckad i git som {head}.")


def _said(done: subprocess.CompletedProcess) -> str:
    text = (done.stderr or done.stdout).decode("utf-8", errors="replace").strip()
    return text.splitlines()[-1] if text else f"slutkod {done.returncode}"


def line_authors(path: Path) -> dict[int, LineAuthor] | None:
    """Line number → who committed that line of `path` and when (`git blame`); lines not yet
    committed are left out. None when git cannot say (no git, no repository, file not tracked)."""
    path = Path(path)
    try:
        done = _git(["blame", "--line-porcelain", "--", path.name], path.parent)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    out: dict[int, LineAuthor] = {}
    commit, line, author, when = None, 0, "", None
    for raw in done.stdout.decode("utf-8", errors="replace").splitlines():
        if raw.startswith("\t"):
            if commit != UNCOMMITTED and when is not None:
                out[line] = LineAuthor(author, when)
            continue
        parts = raw.split(" ")
        if len(parts) >= 3 and len(parts[0]) == 40 and all(c in "0123456789abcdef" for c in parts[0]):
            commit, line = parts[0], int(parts[2])
        elif raw.startswith("author "):
            author = raw[len("author "):]
        elif raw.startswith("author-time "):
            when = datetime.datetime.fromtimestamp(int(parts[1]))
    return out


INDEX = ":index"  # `ledger_at`'s revision for the staged files (`git add`), what the next commit holds


class RevisionError(Exception):
    """Why a revision of the ledger cannot be had (Swedish)."""


def ledger_at(ledger: Path, revision: str, target: Path) -> Path:
    """The main file of `ledger` as it is at `revision` (a commit, or INDEX: the staged files), its
    folder written below `target` (empty): the path of the main file there. RevisionError (Swedish)
    when the folder is not in git, the revision is unknown, or the ledger is not in it."""
    ledger = Path(ledger).absolute()
    top, why = work_tree(ledger.parent)
    if top is None:
        raise RevisionError(f"{ledger.parent}: {why}, så det finns inga versioner att jämföra.")
    relative = os.path.relpath(ledger.parent.resolve(), top.resolve()).replace(os.sep, "/")
    pathspec = [] if relative == "." else ["--", relative]
    if revision == INDEX:
        listed = _git(["ls-files", "-z", *pathspec], top)
        done = _git(["checkout-index", "-z", "--stdin", f"--prefix={target}{os.sep}"], top, stdin=listed.stdout)
        if listed.returncode != 0 or done.returncode != 0:
            raise RevisionError(f"Det köade i git (git add) kunde inte läsas ut ({_said(done if listed.returncode == 0 else listed)}).")
    else:
        if revision.startswith("-") or "\x00" in revision or _git(["rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"], top).returncode != 0:
            raise RevisionError(f"Okänd revision '{revision}' i git-förrådet {top}: ange en commit, gren eller tagg "
                                "(t.ex. HEAD, HEAD~1, main).")
        done = _git(["archive", "--format=tar", revision, *pathspec], top)
        if done.returncode != 0:
            raise RevisionError(f"Liggarens mapp {relative} finns inte i {revision}.")
        with tarfile.open(fileobj=io.BytesIO(done.stdout)) as archive:
            archive.extractall(target, filter="data")
    main = Path(target) / relative / ledger.name
    if not main.is_file():
        shown_revision = "det köade (git add)" if revision == INDEX else revision
        raise RevisionError(f"Liggaren {Path(relative) / ledger.name} finns inte i {shown_revision}.")
    return main
