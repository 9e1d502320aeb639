"""A first kontoplan for a new committee, drafted from a SIE export.

`namndbok kontoplan FIL.se` writes a kontoplan.toml to review: every #KONTO,
and every account the file books on without declaring it (typ from #KTYP where given, else from the Kommun-Bas/BAS class; class 8 by
BAS convention: 80–83 intäkt, 84–89 kostnad), every object of the verksamhet
dimension as a verksamhet (in one row group to be divided by the economist),
and every object of the ansvar dimension as an ansvar. A draft for a person to
check before the first import, never used by an import on its own.

`draft_kontoplan` chooses the verksamhet dimension: 20 when the file has it;
a file with other dimensions only is asked about (`ChoiceNeeded` lists them);
"ingen" (and a file with no dimension at all) puts everything on one verksamhet,
000 Hela nämnden. It names the dimensions it leaves out, and gives the
import.toml that reads the file as the draft has it.
"""

from __future__ import annotations

from typing import NamedTuple

from namndbok.kontoplan import default_konto_typ
from namndbok.new_committee import account_component

KTYP = {"T": "tillgång", "S": "skuld", "K": "kostnad", "I": "intäkt"}
DEFAULT_GROUP = "Verksamheten"


def _typ(nr: str, ktyp: str | None) -> str:
    if ktyp in KTYP:
        typ = KTYP[ktyp]
        return "eget kapital" if typ == "skuld" and nr.startswith("20") else typ
    return default_konto_typ(nr) or ("intäkt" if nr[:2] in ("80", "81", "82", "83") else "kostnad")


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def kontoplan_from_sie(sie, namnd: str, verksamhet_dim: str, ansvar_dim: str | None, saknas: str | None = None,
                       saknas_namn: str = "Ej angiven verksamhet") -> str:
    """The kontoplan.toml text: objects of `verksamhet_dim` as verksamheter (with `saknas` for rows
    without one), of `ansvar_dim` as ansvar; objects used on rows without #OBJEKT too."""
    dims = dimensions(sie)
    verksamheter = dict(dims[verksamhet_dim].objects) if verksamhet_dim in dims else {}
    if saknas:
        verksamheter.setdefault(saknas, saknas_namn)
    ansvar = dict(dims[ansvar_dim].objects) if ansvar_dim in dims else {}
    lines = [
        f"# Utkast till kontoplan från {sie.path} ({sie.fnamn or 'okänt företag'}). Granska före första importen:",
        "# dela in verksamheterna i radgrupper och kontrollera kontotyperna.",
        f"namnd = {_q(account_component(namnd))}",
        f"namn = {_q(namnd)}",
        f"radgrupper = [{_q(DEFAULT_GROUP)}]",
        "",
        "[verksamheter]",
        *(f"{_q(code)} = {{ namn = {_q(name or code)}, grupp = {_q(DEFAULT_GROUP)} }}" for code, name in sorted(verksamheter.items())),
        "",
        "[konton]",
    ]
    used = {row.konto for voucher in sie.vouchers for row in voucher.rows}
    used |= {t.konto for t in (*sie.ib, *sie.ub, *sie.res, *sie.psaldo)}
    konton = {nr: f"Konto {nr}" for nr in used} | dict(sie.konton)  # an import file may lack #KONTO
    for nr, name in sorted(konton.items()):
        typ = _typ(nr, sie.ktyp.get(nr))
        explicit = "" if default_konto_typ(nr) == typ else f", typ = {_q(typ)}"
        lines.append(f"{_q(nr)} = {{ namn = {_q(name or nr)}{explicit} }}")
    if ansvar:
        lines += ["", "[ansvar]", *(f"{_q(code)} = {{ namn = {_q(name or code)} }}" for code, name in sorted(ansvar.items()))]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- the draft with its choice of dimension

NO_DIMENSION = "ingen"  # --verksamhet ingen: everything on one verksamhet
WHOLE_CODE, WHOLE_NAME = "000", "Hela nämnden"
MISSING_NAME = "Ej angiven verksamhet"
PROJEKT_DIM = "6"  # SIE's projekt dimension; the importer carries it on the postings (import.toml projekt)


class Dimension(NamedTuple):
    """A dimension of a SIE file: declared (#DIM/#UNDERDIM) or only used on rows."""

    nr: str
    name: str  # "" when the file does not name it
    objects: dict[str, str]  # code → name ("" when only used on rows)

    def shown(self) -> str:
        what = f"{len(self.objects)} objekt"
        return f"dimension {self.nr} ({self.name}, {what})" if self.name else f"dimension {self.nr} ({what})"


class Draft(NamedTuple):
    kontoplan: str  # kontoplan.toml
    import_toml: str  # the import.toml that reads the file as the draft has it
    verksamhet_dim: str | None  # None: everything on one verksamhet
    notes: list[str]  # what the economist must know (Swedish), e.g. dimensions dropped


class ChoiceNeeded(Exception):
    """The file has no verksamhet dimension we can assume; str() asks which one (Swedish)."""


def _amount_rows(sie):
    """Every row carrying an amount on objects: voucher rows and the control and budget totals."""
    yield from sie.rows
    yield from (*sie.psaldo, *sie.pbudget, *sie.oib, *sie.oub)


def dimensions(sie) -> dict[str, Dimension]:
    """The file's dimensions by number, declared ones first, with every object declared or used."""
    objects: dict[str, dict[str, str]] = {dim: {} for dim in sie.dims}
    for (dim, code), name in sie.objekt.items():
        objects.setdefault(dim, {})[code] = name
    for row in _amount_rows(sie):
        for dim, code in row.objekt:
            objects.setdefault(dim, {}).setdefault(code, "")
    return {dim: Dimension(dim, sie.dims.get(dim, ""), found) for dim, found in objects.items()}


def _choice_message(lead: str, dims: dict[str, Dimension]) -> str:
    listed = "\n".join(f"  --verksamhet {d.nr}: {d.shown()}" for d in sorted(dims.values(), key=lambda d: _dim_key(d.nr)))
    return f"{lead} Välj vilken av filens dimensioner som bär verksamhet:\n{listed}\n" \
           f"  --verksamhet {NO_DIMENSION}: allt på en verksamhet, {WHOLE_CODE} {WHOLE_NAME}"


def _dim_key(nr: str):
    return (int(nr), nr) if nr.isdigit() else (10**9, nr)


def draft_kontoplan(sie, namnd: str, verksamhet: str | None = None, ansvar: str | None = "1") -> Draft:
    """The kontoplan draft and the import.toml that goes with it.

    `verksamhet`: the dimension holding verksamhet; None = dimension 20 when the
    file has it, everything on one verksamhet when the file has no dimension at
    all, else ChoiceNeeded listing the file's dimensions; "ingen" = everything on
    verksamhet 000 Hela nämnden. `ansvar`: the dimension holding ansvar, used when
    the file has it and it is not the verksamhet dimension."""
    dims = dimensions(sie)
    if verksamhet is None:
        if "20" in dims:
            verksamhet = "20"
        elif not dims:
            verksamhet = NO_DIMENSION
        else:
            raise ChoiceNeeded(_choice_message(f"{sie.path} har ingen dimension 20 (verksamhet).", dims))
    notes = []
    if verksamhet == NO_DIMENSION:
        verksamhet_dim, saknas = None, WHOLE_CODE
        notes.append(f"Allt bokförs på en verksamhet: {WHOLE_CODE} {WHOLE_NAME}.")
    elif verksamhet not in dims:
        lead = f"{sie.path} har ingen dimension {verksamhet} (--verksamhet {verksamhet})."
        raise ChoiceNeeded(_choice_message(lead, dims) if dims else f"{lead} Filen har inga dimensioner; ange --verksamhet {NO_DIMENSION}.")
    else:
        verksamhet_dim = verksamhet
        saknas = WHOLE_CODE if _result_rows_without(sie, verksamhet_dim) else None
        if saknas:
            notes.append(f"Resultatrader utan objekt i dimension {verksamhet_dim} bokförs på verksamhet {WHOLE_CODE} {MISSING_NAME}.")
    ansvar_dim = ansvar if ansvar and ansvar != NO_DIMENSION and ansvar in dims and ansvar != verksamhet_dim else None
    projekt_dim = PROJEKT_DIM if PROJEKT_DIM in dims and PROJEKT_DIM not in (verksamhet_dim, ansvar_dim) else None
    for dim in sorted(set(dims) - {verksamhet_dim, ansvar_dim, projekt_dim}, key=_dim_key):
        notes.append(f"D{dims[dim].shown()[1:]} finns i filen men tas inte med i kontoplanen: "
                     "importen räknar beloppen utan den.")
    text = kontoplan_from_sie(sie, namnd, verksamhet_dim or "", ansvar_dim, saknas, WHOLE_NAME if verksamhet_dim is None else MISSING_NAME)
    settings = [
        f"# Inställningar för att importera {sie.path} som utkastet till kontoplan har den.",
        "[sie]",
        f"verksamhet = {_q(verksamhet_dim or '')}",
        f"ansvar = {_q(ansvar_dim or '')}",
        f"projekt = {_q(projekt_dim or '')}",
        *([f"verksamhet_saknas = {_q(saknas)}"] if saknas else []),
    ]
    return Draft(text, "\n".join(settings) + "\n", verksamhet_dim, notes)


def _result_rows_without(sie, dim: str) -> bool:
    """Whether a row on an intäkt or kostnad konto has no object in `dim`."""
    for row in _amount_rows(sie):
        if not any(d == dim for d, _ in row.objekt) and _typ(row.konto, sie.ktyp.get(row.konto)) in ("intäkt", "kostnad"):
            return True
    return False
