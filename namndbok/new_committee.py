"""`namndbok ny KATALOG`: a new committee's ledger folder, ready for its first import.

The folder gets the main file (the Swedish root names, Nämndbok's plugin, the Fava
extension; no include lines: the first import adds `include "*/utfall/*.beancount"`),
`kontoplan.toml` and `import.toml` (the texts the caller drafted from a SIE file, or a
skeleton to fill in), a default `periodisering.toml`, the standard layouts (the
example's layouts that name no committee's own codes), a default `rapportpaket.toml`
(today's report set written out), `.gitignore` and
`.gitattributes`, and, when git is there, a git repository whose pre-commit hook runs
`namndbok kontrollera` on the main file.

All or nothing: everything is made in a temporary folder beside the target, each file
written atomically, and the folder is renamed into place at the end. A target that
exists and is not empty is refused, naming what is in it.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import NamedTuple

from namndbok.fileio import atomic_write_text, cannot_write, check_writable, os_reason
from namndbok.journal import JOURNAL
from namndbok.rapportpaket import FILE as REPORT_SET
from namndbok.rapportpaket import default_text as report_set_text
from namndbok.writer_lock import LOCK_FILE

# The selections a layout row can make that name a committee's own codes (such a layout is not standard).
OWN_CODES = re.compile(r"^\s*(radgrupp|verksamhet|konto|ansvar)\s*=", re.MULTILINE)
SHOWN_ENTRIES = 5  # how many of a non-empty folder's entries the refusal names

MAIN_FILE = """\
; {title} – huvudfil, skapad av `namndbok ny`.
; Kontona följer Nämndboks modell: Kostnader:{namnd}:<verksamhet>:<konto>:<ansvar>,
; koderna finns i kontoplan.toml. Importera utfall med `namndbok import FIL`
; (den lägger till include-raden för utfallet) och öppna i Fava med `namndbok fava`.

option "title" {title_q}
option "operating_currency" "SEK"
option "name_assets" "Tillgångar"
option "name_liabilities" "Skulder"
option "name_equity" "Eget-kapital"
option "name_income" "Intäkter"
option "name_expenses" "Kostnader"
option "account_current_earnings" "Årets-resultat"
option "account_previous_earnings" "Tidigare-års-resultat"
option "account_previous_balances" "Ingående-balanser"
option "account_current_conversions" "Omräkningsdifferenser"
option "account_previous_conversions" "Tidigare-omräkningsdifferenser"
option "account_unrealized_gains" "Orealiserat"

; Nämndboks kontroller och poster, alla på en rad.
plugin "namndbok.plugins.namndbok" "kontoplan=kontoplan.toml; periodisering=periodisering.toml"

1900-01-01 custom "fava-option" "language" "sv"
1900-01-01 custom "fava-option" "locale" "sv_SE"
1900-01-01 custom "fava-option" "invert-income-liabilities-equity" "true"
1900-01-01 custom "fava-extension" "namndbok_fava"

1900-01-01 commodity SEK
  name: "Svenska kronor"
"""

KONTOPLAN_SKELETON = """\
# Kontoplan för {namn}: ett skelett att fylla i före första importen.
# Enklast: gör ett utkast ur en SIE-export med
#     namndbok kontoplan FIL.se --namnd {namn_q} --ut kontoplan.toml
# (ta bort den här filen först). Annars, för hand:
# - radgrupper: raderna i rapporterna, i ordning; varje verksamhet hör till en av dem;
# - [verksamheter]: nämndens verksamheter (kod = {{ namn, grupp }});
# - [konton]: ekonomisystemets konton (nr = {{ namn }}, typ = "intäkt"/"kostnad"/… när
#   kontoklassen inte säger den); kontot nedan är bara ett exempel: ersätt det;
# - [ansvar]: ansvaren (kod = {{ namn }}), om ekonomisystemet har dem.
namnd = {namnd_q}
namn = {namn_q}
radgrupper = ["Verksamheten"]

[verksamheter]
"000" = {{ namn = "Hela nämnden", grupp = "Verksamheten" }}

[konton]
"4000" = {{ namn = "Exempelkonto: ersätt med nämndens konton" }}
"""

IMPORT_SKELETON = """\
# Hur `namndbok import` läser nämndens exporter. `namndbok kontoplan FIL.se --ut kontoplan.toml`
# skriver [sie] som passar SIE-filen; utan den: ange vilken SIE-dimension som bär verksamhet och ansvar.
[sie]
verksamhet = "20"
ansvar = "1"
"""

PERIODISERING = """\
# Periodiseringsnycklar: hur en budgetrad fördelas över årets månader.
# Inbyggda nycklar: "jämn" (tolftedelar) och "fjolår" (förra årets utfall för samma konto).
# Egna profiler (tolv vikter, januari–december) under [profiler], och vilken nyckel som
# gäller var under [nycklar]: "konto:5020", "verksamhet:…", "ansvar:…", "grupp:…" eller "typ:…".
# Se ledgers/exempel/periodisering.toml för ett exempel.

standard = "jämn"

[profiler]
# "semester" = [100, 97, 100, 100, 100, 106, 72, 93, 104, 104, 105, 119]

[nycklar]
# "konto:5020" = "semester"
"""

GITIGNORE = f"""\
# Nämndboks egna filer som inte hör hemma i versionshanteringen:
# skrivlåset, ett avbrutet skrivande, Beancounts cache och rapportpaketen
# (period-close skriver om dem ur liggaren; en låst period har sitt fingeravtryck i liggaren).
{LOCK_FILE}
{JOURNAL}*/
.namndbok-prov-*
.*.picklecache
rapporter/
"""

GITATTRIBUTES = """\
# Liggaren och inställningarna är text med LF, på alla datorer.
*.beancount text eol=lf
*.toml text eol=lf
*.md text eol=lf
*.xlsx binary
*.pdf binary
"""

# The summary of what the commit changes in figures (`namndbok andringar --koat`, HEAD against the staged
# files, both read from git into a temporary folder: it never waits for the ledger's write lock) is for the
# eye only: whatever happens to it, the commit goes on. Not before the first commit (no HEAD).
HOOK = """\
#!/bin/sh
# Nämndbok: vägra en commit när liggaren har fel (`namndbok kontrollera`), och visa vad
# commiten ändrar i siffror (`namndbok andringar --koat`; stoppar aldrig en commit,
# NAMNDBOK_ANDRINGAR=0 stänger av den). Skapad av `namndbok ny`; byt sökvägen nedan om Nämndbok flyttar.
{command} kontrollera {main} || exit 1
if [ "${{NAMNDBOK_ANDRINGAR:-1}}" != 0 ] && git rev-parse --verify --quiet HEAD >/dev/null 2>&1; then
    {command} andringar --koat -f {main} </dev/null >&2 || echo "(Ändringarna i siffror kunde inte visas; commiten görs ändå.)" >&2
fi
exit 0
"""


class NewCommitteeError(Exception):
    """Why the folder cannot be made (Swedish); nothing is written."""


class Created(NamedTuple):
    folder: Path
    main: Path
    files: list[Path]  # relative to the folder, in the order written
    notes: list[str]  # what the economist must know next (Swedish)


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def account_component(name: str) -> str:
    """A committee's name as an account name's component (no spaces, a capital first)."""
    component = re.sub(r"[^0-9A-Za-zÅÄÖåäö-]+", "-", name).strip("-") or "Namnden"
    return component[0].upper() + component[1:]


def default_name(folder: Path) -> str:
    """The committee's name when none is given: the folder's, with a capital first."""
    name = folder.name or "Nämnden"
    return name[0].upper() + name[1:]


def kontoplan_skeleton(namn: str) -> str:
    return KONTOPLAN_SKELETON.format(namn=namn, namn_q=_q(namn), namnd_q=_q(account_component(namn)))


def standard_layouts(template: Path) -> dict[str, str]:
    """The layouts in `template`/layouter that name no committee's own codes: file name → text."""
    folder = template / "layouter"
    texts = {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.toml"))} if folder.is_dir() else {}
    return {name: text for name, text in texts.items() if not OWN_CODES.search(text)}


def main_file_name(folder: Path) -> str:
    return f"{account_component(folder.name).lower()}.beancount"


def committee_files(folder: Path, title: str, kontoplan: str, import_toml: str, layouts: dict[str, str]) -> dict[str, str]:
    """Every file of the new folder but the git hook: relative path → text."""
    namnd = re.search(r'^namnd\s*=\s*"([^"]*)"', kontoplan, re.MULTILINE)
    main = MAIN_FILE.format(title=title, title_q=_q(title), namnd=namnd.group(1) if namnd else account_component(title))
    return {
        main_file_name(folder): main,
        "kontoplan.toml": kontoplan,
        "import.toml": import_toml,
        "periodisering.toml": PERIODISERING,
        **{f"layouter/{name}": text for name, text in layouts.items()},
        REPORT_SET: report_set_text(sorted(Path(name).stem for name in layouts)),
        ".gitignore": GITIGNORE,
        ".gitattributes": GITATTRIBUTES,
    }


def refuse_unusable(folder: Path) -> None:
    """Raise NewCommitteeError when `folder` is a file or a folder with something in it."""
    if folder.exists() and not folder.is_dir():
        raise NewCommitteeError(f"{folder} är en fil, ingen mapp; välj en ny mapp för nämnden.")
    if folder.is_dir():
        entries = sorted(p.name for p in folder.iterdir())
        if entries:
            named = ", ".join(entries[:SHOWN_ENTRIES]) + (f" och {len(entries) - SHOWN_ENTRIES} till" if len(entries) > SHOWN_ENTRIES else "")
            raise NewCommitteeError(f"{folder} är inte tom ({named}); inget är skrivet. `namndbok ny` skriver bara i en "
                                    "ny eller tom mapp, så att inget skrivs över: välj en annan mapp.")


def create_committee(folder: Path, files: dict[str, str], hook_command: list[str]) -> Created:
    """Make `folder` with `files` (relative path → text), and a git repository with the
    pre-commit hook running `hook_command kontrollera MAIN` when git is there. All or nothing."""
    folder = Path(os.path.abspath(folder))
    refuse_unusable(folder)
    try:
        check_writable(folder.parent)
        folder.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise NewCommitteeError(cannot_write(err)) from None
    main = next(name for name in files if name.endswith(".beancount"))
    building = Path(tempfile.mkdtemp(prefix=f".{folder.name}.namndbok-ny-", dir=folder.parent))
    try:
        for name, text in files.items():
            (building / name).parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(building / name, text)
        notes = _git_repository(building, folder, main, hook_command)
        building.chmod(0o777 & ~_umask())  # mkdtemp makes 0700; the folder gets the usual mode
        refuse_unusable(folder)  # made meanwhile by someone else: still nothing overwritten
        if folder.is_dir():  # empty (perhaps the working folder): fill it, entry by entry, keeping the folder
            for entry in sorted(building.iterdir()):
                os.rename(entry, folder / entry.name)
        else:
            os.rename(building, folder)
    except OSError as err:
        raise NewCommitteeError(f"Kunde inte skapa {folder} ({os_reason(err)}); inget är skrivet.") from None
    finally:
        if building.exists():
            shutil.rmtree(building, ignore_errors=True)
    return Created(folder, folder / main, list(files), notes)


def _git_repository(building: Path, folder: Path, main: str, hook_command: list[str]) -> list[str]:
    """`git init` in `building` (which becomes `folder`) and the pre-commit hook; what to say about it."""
    git = shutil.which("git")
    if git is None:
        return ["git finns inte på den här datorn: ingen git-förvaring och ingen pre-commit-krok är skapad. "
                "Installera git och kör `git init` i mappen; kroken ska köra `namndbok kontrollera` före varje commit."]
    inside = subprocess.run([git, "-C", str(folder.parent), "rev-parse", "--show-toplevel"], capture_output=True, text=True)
    if inside.returncode == 0:
        return [f"{folder.parent} ligger redan i git-förvaringen {inside.stdout.strip()}: ingen ny förvaring är skapad. "
                "Lägg en pre-commit-krok som kör `namndbok kontrollera` där, om förvaringen ska ha en."]
    done = subprocess.run([git, "init", "--quiet", str(building)], capture_output=True, text=True)
    if done.returncode != 0:
        raise NewCommitteeError(f"`git init` i {folder} misslyckades: {done.stderr.strip()}; inget är skrivet.")
    hook = building / ".git" / "hooks" / "pre-commit"
    hook.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(hook, HOOK.format(command=shlex.join(hook_command), main=shlex.quote(main)))
    hook.chmod(0o755)
    return ["git-förvaringen är skapad; dess pre-commit-krok kör `namndbok kontrollera` och vägrar en commit när "
            "liggaren har fel. Gör den första commiten med `git add -A && git commit -m \"Ny nämnd\"`."]


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask
