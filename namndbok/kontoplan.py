"""The kontoplan: a committee's verksamheter, konton and ansvar, kept as data.

One TOML file per nämnd, edited by the economists and reviewed in git:

    namnd = "Socialnämnden"            # the account name's second component
    namn = "Socialnämnden"             # as printed in reports
    kommun = "Exempelkommun"
    radgrupper = ["Politisk verksamhet", "Barn- och ungdomsvård"]

    [verksamheter]
    "010"  = { namn = "Politisk verksamhet", grupp = "Politisk verksamhet" }
    "5731" = { namn = "Institutionsvård barn och unga", grupp = "Barn- och ungdomsvård" }

    [konton]
    "4610" = { namn = "Köp av institutionsvård" }     # typ follows from the class
    "8590" = { namn = "Intern ränta", typ = "kostnad" }
    "1220" = { namn = "Inventarier", investering = true }  # investments are followed here

    [ansvar]
    "2200" = { namn = "Placeringsenhet", avdelning = "Avdelning barn och unga" }

A konto's typ (intäkt, kostnad, tillgång, skuld, eget kapital) follows from its
Kommun-Bas class (1 tillgång, 20 eget kapital, 2 skuld, 3 intäkt, 4–7 kostnad)
unless written out; class 8 (finansiella poster) must say it. `parse_kontoplan`
is pure (text in, Kontoplan out); `check_account` says in Swedish what is wrong
with an account against the kontoplaner, or nothing.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Mapping, NamedTuple

from beancount.core import account as bc_account

from namndbok.accounts import (
    KIND_DISPOSITION,
    KIND_EGET_KAPITAL,
    KIND_INTAKT,
    KIND_KOMMUNBIDRAG,
    KIND_KOSTNAD,
    KIND_SKULD,
    KIND_TILLGANG,
    SPECIAL_INCOME,
    AccountRef,
)
from namndbok.fileio import NotToml, NotUtf8, os_reason, parse_toml, read_utf8

DEFAULT_FILE = "kontoplan.toml"
DEFAULT_UNITS = ("vårddygn", "vårdtagare", "placeringar", "ärenden", "hushåll", "timmar")
KONTO_TYPES = (KIND_INTAKT, KIND_KOSTNAD, KIND_TILLGANG, KIND_SKULD, KIND_EGET_KAPITAL)


class Verksamhet(NamedTuple):
    kod: str
    namn: str
    grupp: str


class Konto(NamedTuple):
    nr: str
    namn: str
    typ: str
    investering: bool = False  # investments are followed on this (tillgång) konto


class Ansvar(NamedTuple):
    kod: str
    namn: str
    avdelning: str | None


class Kontoplan(NamedTuple):
    path: str
    namnd: str
    namn: str
    kommun: str | None
    radgrupper: tuple[str, ...]
    verksamheter: dict[str, Verksamhet]
    konton: dict[str, Konto]
    ansvar: dict[str, Ansvar]
    lines: dict[tuple[str, str], int]  # (section, key) → line in the file
    eget_kapital_konto: str | None = None  # where ackumulerat resultat is kept (e.g. "2011")
    avrakningskonto: str | None = None  # the settlement account with the municipality (e.g. "1690")
    eget_kapital_per: str = "nämnd"  # or "ansvar": units carry their own result
    enheter: tuple[str, ...] = ()  # volume units (vårddygn, vårdtagare …); empty = DEFAULT_UNITS

    def line_of(self, section: str, key: str) -> int:
        """The line of `key` in `[section]` ("" = top level); 0 when not found."""
        return self.lines.get((section, key), 0)


class KontoplanError(Exception):
    """A kontoplan file that cannot be used; str() is `fil:rad: meddelande`."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line
        self.message = message


class KontoplanUnusable(NamedTuple):
    """The load error of a kontoplan that cannot be read or is wrong (plugins.kontoplan's):
    the one error a load then shows (namndbok.loading.shown_errors)."""

    source: dict
    message: str
    entry: object


def load_kontoplan(path: str | Path) -> Kontoplan:
    """Read and check one kontoplan file."""
    path = str(path)
    try:
        text = read_utf8(path)
    except FileNotFoundError:
        raise KontoplanError(path, 0, "Kontoplanen finns inte. Kontrollera sökvägen.") from None
    except OSError as err:
        raise KontoplanError(path, 0, f"Kontoplanen kan inte läsas ({os_reason(err)}). "
                             "Ge den användare som kör Nämndbok läsrätt till filen (t.ex. chmod a+r).") from None
    except NotUtf8 as err:
        raise KontoplanError(path, err.line, err.message) from None
    return parse_kontoplan(text, path)


def kontoplan_paths(base: Path, config: str | None) -> list[Path]:
    """The files a plugin line names (comma-separated, relative to `base`)."""
    return [Path(base) / item.strip() for item in (config or DEFAULT_FILE).split(",")]


def load_kontoplaner(base: Path, config: str | None) -> dict[str, Kontoplan]:
    """The kontoplaner a plugin line names, by nämnd."""
    plans: dict[str, Kontoplan] = {}
    for path in kontoplan_paths(base, config):
        plan = load_kontoplan(path)
        if plan.namnd in plans:
            raise KontoplanError(str(path), plan.line_of("", "namnd"), f"Nämnden {plan.namnd} har redan en kontoplan ({plans[plan.namnd].path}).")
        plans[plan.namnd] = plan
    return plans


@functools.lru_cache(maxsize=32)  # a pure parse: several plugins of one load read the same file
def parse_kontoplan(text: str, path: str = "<kontoplan>") -> Kontoplan:
    """Parse the text of a kontoplan file; raise KontoplanError on any fault."""
    try:
        data = parse_toml(text)
    except NotToml as err:
        raise KontoplanError(path, err.line, f"{err.message} Rätta raden.") from None

    lines = _key_lines(text)

    def fail(section: str, key: str, message: str) -> KontoplanError:
        return KontoplanError(path, lines.get((section, key), 0), message)

    _only_keys(data, {"namnd", "namn", "kommun", "radgrupper", "verksamheter", "konton", "ansvar",
                      "eget_kapital_konto", "avrakningskonto", "eget_kapital_per", "enheter"}, "", fail)
    namnd = data.get("namnd")
    if not isinstance(namnd, str) or not bc_account.is_valid_leaf(namnd):
        raise fail("", "namnd", "Ange namnd = \"…\": nämndens namn i kontona, t.ex. \"Socialnämnden\" (inga mellanslag).")
    grupper = data.get("radgrupper", [])
    if not isinstance(grupper, list) or not all(isinstance(g, str) for g in grupper):
        raise fail("", "radgrupper", "radgrupper ska vara en lista av namn, t.ex. [\"Barn- och ungdomsvård\"].")

    verksamheter: dict[str, Verksamhet] = {}
    for kod, item in _section(data, "verksamheter", fail).items():
        _check_code(kod, "verksamheter", fail)
        _only_keys(item, {"namn", "grupp"}, "verksamheter", fail, kod)
        namn = _text(item, "namn", "verksamheter", kod, fail)
        grupp = _text(item, "grupp", "verksamheter", kod, fail)
        if grupper and grupp not in grupper:
            raise fail("verksamheter", kod, f"Verksamhet {kod} har gruppen '{grupp}', som saknas i radgrupper. Lägg till den där eller rätta namnet.")
        verksamheter[kod] = Verksamhet(kod, namn, grupp)
    if not verksamheter:
        raise fail("", "verksamheter", "Kontoplanen saknar [verksamheter].")

    konton: dict[str, Konto] = {}
    for nr, item in _section(data, "konton", fail).items():
        _check_code(nr, "konton", fail)
        _only_keys(item, {"namn", "typ", "investering"}, "konton", fail, nr)
        namn = _text(item, "namn", "konton", nr, fail)
        typ = item.get("typ") or default_konto_typ(nr)
        if typ not in KONTO_TYPES:
            raise fail("konton", nr, f"Konto {nr} behöver typ = ett av {', '.join(KONTO_TYPES)} (klass 8 och konton utan kontoklass måste ange typ).")
        investering = item.get("investering", False)
        if investering not in (True, False) or (investering and typ != KIND_TILLGANG):
            raise fail("konton", nr, f"Konto {nr}: investering = true gäller tillgångskonton (t.ex. 1220 Inventarier).")
        konton[nr] = Konto(nr, namn, typ, investering)
    if not konton:
        raise fail("", "konton", "Kontoplanen saknar [konton].")

    ansvar: dict[str, Ansvar] = {}
    for kod, item in _section(data, "ansvar", fail, required=False).items():
        _check_code(kod, "ansvar", fail)
        _only_keys(item, {"namn", "avdelning"}, "ansvar", fail, kod)
        ansvar[kod] = Ansvar(kod, _text(item, "namn", "ansvar", kod, fail), item.get("avdelning"))

    if not grupper:
        grupper = list(dict.fromkeys(v.grupp for v in verksamheter.values()))
    special = {}
    for key, typ in (("eget_kapital_konto", KIND_EGET_KAPITAL), ("avrakningskonto", KIND_TILLGANG)):
        value = data.get(key)
        if value is not None and (value not in konton or konton[value].typ != typ):
            raise fail("", key, f"{key} = \"{value}\" ska vara ett konto av typen {typ} under [konton].")
        special[key] = value
    enheter = data.get("enheter", list(DEFAULT_UNITS))
    if not isinstance(enheter, list) or not all(isinstance(u, str) and u.strip() for u in enheter):
        raise fail("", "enheter", 'enheter ska vara en lista av volymenheter, t.ex. ["vårddygn", "vårdtagare"].')
    per = data.get("eget_kapital_per", "nämnd")
    if per not in ("nämnd", "ansvar"):
        raise fail("", "eget_kapital_per", "eget_kapital_per ska vara \"nämnd\" eller \"ansvar\" (enheterna bär sitt eget resultat).")
    return Kontoplan(
        path=path,
        namnd=namnd,
        namn=str(data.get("namn", namnd)),
        kommun=data.get("kommun"),
        radgrupper=tuple(grupper),
        verksamheter=verksamheter,
        konton=konton,
        ansvar=ansvar,
        lines=lines,
        eget_kapital_per=per,
        enheter=tuple(u.strip().lower() for u in enheter),
        **special,
    )


def default_konto_typ(nr: str) -> str | None:
    """The typ a Kommun-Bas number implies, or None where it implies none."""
    if not nr[:1].isdigit():
        return None
    if nr.startswith("20"):
        return KIND_EGET_KAPITAL
    return {
        "1": KIND_TILLGANG,
        "2": KIND_SKULD,
        "3": KIND_INTAKT,
        "4": KIND_KOSTNAD,
        "5": KIND_KOSTNAD,
        "6": KIND_KOSTNAD,
        "7": KIND_KOSTNAD,
    }.get(nr[0])


def _section(data: dict, name: str, fail, required: bool = True) -> dict:
    section = data.get(name, {} if not required else None)
    if section is None:
        raise fail("", name, f"Kontoplanen saknar [{name}].")
    if not isinstance(section, dict) or not all(isinstance(v, dict) for v in section.values()):
        raise fail("", name, f"[{name}] ska ha en rad per kod: \"kod\" = {{ namn = \"…\" }}.")
    return section


def _text(item: dict, key: str, section: str, code: str, fail) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value.strip():
        raise fail(section, code, f"{code} i [{section}] saknar {key} = \"…\".")
    return value


def _only_keys(item: dict, allowed: set[str], section: str, fail, code: str | None = None) -> None:
    for key in item:
        if key not in allowed:
            where = f"{code} i [{section}]" if code else "Kontoplanen"
            raise fail(section, code or key, f"{where} har den okända nyckeln '{key}'; tillåtna är {', '.join(sorted(allowed))}.")


def _check_code(code: str, section: str, fail) -> None:
    if not bc_account.is_valid_leaf(code) or code in SPECIAL_INCOME:
        raise fail(section, code, f"Koden '{code}' i [{section}] går inte att använda i ett kontonamn: den ska börja med en siffra eller versal och bara innehålla bokstäver, siffror och bindestreck.")


_HEADER = re.compile(r"^\s*\[([^\]]+)\]")
_KEY = re.compile(r'^\s*(?:"([^"]*)"|([^"=\s]+))\s*=')


def _key_lines(text: str) -> dict[tuple[str, str], int]:
    """(section, key) → the 1-based line where the key is set ("" = top level)."""
    lines: dict[tuple[str, str], int] = {}
    current = ""
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            current = header.group(1).strip()
            continue
        key = _KEY.match(line)
        if key:
            lines.setdefault((current, key.group(1) or key.group(2)), number)
    return lines


# ---------------------------------------------------------------------------
# Checking an account name against the kontoplaner.

def check_account(ref: AccountRef, kontoplaner: Mapping[str, Kontoplan]) -> str | None:
    """Say in Swedish what is wrong with an account, or None if it is right."""
    if ref.namnd is None:
        return None  # a root alone
    plan = kontoplaner.get(ref.namnd)
    if plan is None:
        known = ", ".join(sorted(kontoplaner)) or "inga"
        return (
            f"Okänd nämnd '{ref.namnd}' i kontot {ref.account}. Kända nämnder: {known}. "
            "Rätta kontot eller lägg till nämndens kontoplan i plugin-raden."
        )
    if ref.verksamhet is not None and ref.verksamhet not in plan.verksamheter:
        return (
            f"Okänd verksamhet '{ref.verksamhet}' i kontot {ref.account}: den finns inte i "
            f"kontoplanen {plan.path}. Lägg till den under [verksamheter] eller rätta kontot."
        )
    if ref.konto is not None:
        konto = plan.konton.get(ref.konto)
        if konto is None:
            return (
                f"Okänt konto '{ref.konto}' i kontot {ref.account}: det finns inte i "
                f"kontoplanen {plan.path}. Lägg till det under [konton] eller rätta kontot."
            )
        # The root says the kind (kostnad under Kostnader, …); the konto must agree.
        if konto.typ != ref.kind:
            return (
                f"Konto {konto.nr} ({konto.namn}) är av typen {konto.typ} men står under "
                f"roten för {ref.kind} i kontot {ref.account}. Flytta posten till rätt rot."
            )
    if ref.ansvar is not None and ref.ansvar not in plan.ansvar:
        return (
            f"Okänt ansvar '{ref.ansvar}' i kontot {ref.account}: det finns inte i "
            f"kontoplanen {plan.path}. Lägg till det under [ansvar] eller rätta kontot."
        )
    return None


def describe_parts(ref: AccountRef, plan: Kontoplan) -> list[str]:
    """The parts of a readable Swedish name for an account up to its ansvar, as far as
    the kontoplan has them: kind, verksamhet, konto, e.g. ['5731 HVB barn', '4610 Köp av
    vård'] (plugins.kontoplan adds the ansvar's part, joins them with " / ", and uses
    the nämnd's name when there are none)."""
    parts = []
    if ref.kind == KIND_KOMMUNBIDRAG:
        parts.append("Kommunbidrag")
    elif ref.kind == KIND_DISPOSITION:
        parts.append("Ianspråktagande av ackumulerat resultat")
    if ref.verksamhet in plan.verksamheter:
        parts.append(f"{ref.verksamhet} {plan.verksamheter[ref.verksamhet].namn}")
    if ref.konto in plan.konton:
        parts.append(f"{ref.konto} {plan.konton[ref.konto].namn}")
    return parts
