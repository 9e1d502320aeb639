"""A first kontoplan for a new committee, drafted from a SIE export.

`namndbok kontoplan FIL.se` writes a kontoplan.toml to review: every #KONTO,
and every account the file books on without declaring it (typ from #KTYP where given, else from the Kommun-Bas/BAS class; class 8 by
BAS convention: 80–83 intäkt, 84–89 kostnad), every object of the verksamhet
dimension as a verksamhet (in one row group to be divided by the economist),
and every object of the ansvar dimension as an ansvar. A draft for a person to
check before the first import, never used by an import on its own.
"""

from __future__ import annotations

import re

from namndbok.kontoplan import default_konto_typ

KTYP = {"T": "tillgång", "S": "skuld", "K": "kostnad", "I": "intäkt"}
DEFAULT_GROUP = "Verksamheten"


def _typ(nr: str, ktyp: str | None) -> str:
    if ktyp in KTYP:
        typ = KTYP[ktyp]
        return "eget kapital" if typ == "skuld" and nr.startswith("20") else typ
    return default_konto_typ(nr) or ("intäkt" if nr[:2] in ("80", "81", "82", "83") else "kostnad")


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def kontoplan_from_sie(sie, namnd: str, verksamhet_dim: str, ansvar_dim: str | None, saknas: str | None = None) -> str:
    verksamheter = {obj: name for (dim, obj), name in sie.objekt.items() if dim == verksamhet_dim}
    if saknas:
        verksamheter.setdefault(saknas, "Ej angiven verksamhet")
    ansvar = {obj: name for (dim, obj), name in sie.objekt.items() if dim == ansvar_dim} if ansvar_dim else {}
    lines = [
        f"# Utkast till kontoplan från {sie.path} ({sie.fnamn or 'okänt företag'}). Granska före första importen:",
        "# dela in verksamheterna i radgrupper och kontrollera kontotyperna.",
        f"namnd = {_q(re.sub(r'[^0-9A-Za-zÅÄÖåäö-]+', '-', namnd).strip('-'))}",
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
