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
from namndbok.settings import Key, Settings, SettingsError, is_bool, is_table, is_text, is_texts, one_of, read_text

DEFAULT_FILE = "kontoplan.toml"
DEFAULT_UNITS = ("vårddygn", "vårdtagare", "placeringar", "ärenden", "hushåll", "timmar")
KONTO_TYPES = (KIND_INTAKT, KIND_KOSTNAD, KIND_TILLGANG, KIND_SKULD, KIND_EGET_KAPITAL)
# The finansförvaltning's lines (namndbok.kommun): a result konto of its kontoplan is one of these,
# written out (`finanspost = "kommunbidrag"`) or by its Kommun-Bas number (80, 82, 84–85).
FINANSPOSTER = ("skatteintakter", "statsbidrag", "finansnetto", "kommunbidrag")
FINANSPOST_BY_CLASS = {"80": "skatteintakter", "82": "statsbidrag", "84": "finansnetto", "85": "finansnetto"}


class Verksamhet(NamedTuple):
    kod: str
    namn: str
    grupp: str


class Konto(NamedTuple):
    nr: str
    namn: str
    typ: str
    investering: bool = False  # investments are followed on this (tillgång) konto
    finanspost: str | None = None  # the finansförvaltning's line (FINANSPOSTER), explicit or by Kommun-Bas class 8


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
    lines: dict[tuple, int]  # key path ("konton", "4610") → line in the file (namndbok.settings.key_lines)
    eget_kapital_konto: str | None = None  # where ackumulerat resultat is kept (e.g. "2011")
    avrakningskonto: str | None = None  # the settlement account with the municipality (e.g. "1690")
    eget_kapital_per: str = "nämnd"  # or "ansvar": units carry their own result
    enheter: tuple[str, ...] = ()  # volume units (vårddygn, vårdtagare …); empty = DEFAULT_UNITS

    def line_of(self, section: str, key: str) -> int:
        """The line of `key` in `[section]` ("" = top level); 0 when not found."""
        return self.lines.get((section, key) if section else (key,), 0)


class KontoplanError(SettingsError):
    """A kontoplan file that cannot be used; str() is `fil:rad: meddelande`."""

    SHOWS_LINE_ZERO = True


class KontoplanUnusable(NamedTuple):
    """The load error of a kontoplan that cannot be read or is wrong (namndbok.plugins.kontoplan's):
    the one error a load then shows (namndbok.loading.shown_errors)."""

    source: dict
    message: str
    entry: object


def load_kontoplan(path: str | Path) -> Kontoplan:
    """Read and check one kontoplan file."""
    return parse_kontoplan(read_text(path, KontoplanError, "Kontoplanen"), str(path))


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


def _is_code_table(value) -> bool:
    return is_table(value) and all(is_table(item) for item in value.values())


def _section(name: str) -> Key:
    return Key(_is_code_table, f'[{name}] ska ha en rad per kod: "kod" = {{ namn = "…" }}.')


TOP = {
    "namnd": Key(lambda v: isinstance(v, str) and bc_account.is_valid_leaf(v),
                 "Ange namnd = \"…\": nämndens namn i kontona, t.ex. \"Socialnämnden\" (inga mellanslag).", required=True),
    "namn": Key(is_text, 'namn ska vara nämndens namn som text, t.ex. namn = "Socialnämnden".'),
    "kommun": Key(is_text, 'kommun ska vara kommunens namn som text, t.ex. kommun = "Exempelkommun".'),
    "radgrupper": Key(is_texts, "radgrupper ska vara en lista av namn, t.ex. [\"Barn- och ungdomsvård\"]."),
    "verksamheter": _section("verksamheter"),
    "konton": _section("konton"),
    "ansvar": _section("ansvar"),
    "eget_kapital_konto": Key(is_text, '{key} ska vara ett kontonummer under [konton], t.ex. {key} = "2011".'),
    "avrakningskonto": Key(is_text, '{key} ska vara ett kontonummer under [konton], t.ex. {key} = "1690".'),
    "eget_kapital_per": Key(one_of("nämnd", "ansvar"), "eget_kapital_per ska vara \"nämnd\" eller \"ansvar\" (enheterna bär sitt eget resultat)."),
    "enheter": Key(lambda v: is_texts(v) and all(u.strip() for u in v),
                   'enheter ska vara en lista av volymenheter, t.ex. ["vårddygn", "vårdtagare"].'),
}
UNKNOWN_TOP = "Kontoplanen har den okända nyckeln '{key}'; tillåtna är {allowed}."
UNKNOWN_ITEM = "{code} i [{section}] har den okända nyckeln '{key}'; tillåtna är {allowed}."
_NAMN = Key(is_text, '{code} i [{section}] saknar namn = "…".', required=True)
ITEMS = {
    "verksamheter": {"namn": _NAMN, "grupp": Key(is_text, '{code} i [{section}] saknar grupp = "…".', required=True)},
    "konton": {"namn": _NAMN, "typ": Key(one_of(*KONTO_TYPES), f"Konto {{code}} behöver typ = ett av {', '.join(KONTO_TYPES)} (klass 8 och konton utan kontoklass måste ange typ)."),
               "investering": Key(is_bool, "Konto {code}: investering = true gäller tillgångskonton (t.ex. 1220 Inventarier)."),
               "finanspost": Key(one_of(*FINANSPOSTER), f"Konto {{code}}: finanspost ska vara ett av {', '.join(FINANSPOSTER)} (finansförvaltningens rader, docs/kommun.md).")},
    "ansvar": {"namn": _NAMN, "avdelning": Key(is_text, '{code} i [{section}]: avdelning ska vara en text, t.ex. avdelning = "Avdelning barn och unga".')},
}


@functools.lru_cache(maxsize=32)  # a pure parse: several plugins of one load read the same file
def parse_kontoplan(text: str, path: str = "<kontoplan>") -> Kontoplan:
    """Parse the text of a kontoplan file; raise KontoplanError on any fault."""
    toml = Settings(text, path, KontoplanError)
    data = toml.data
    toml.check((), data, TOP, UNKNOWN_TOP)
    grupper = data.get("radgrupper", [])

    def items(section: str):
        schema = {key: spec._replace(message=spec.message.replace("{section}", section)) for key, spec in ITEMS[section].items()}
        for code, item in data.get(section, {}).items():
            if not bc_account.is_valid_leaf(code) or code in SPECIAL_INCOME:
                raise toml.fail((section, code), f"Koden '{code}' i [{section}] går inte att använda i ett kontonamn: den ska börja med en siffra eller versal och bara innehålla bokstäver, siffror och bindestreck.")
            toml.check((section, code), item, schema, UNKNOWN_ITEM.replace("{section}", section))
            yield code, item
        if section != "ansvar" and not data.get(section):
            raise toml.fail(section, f"Kontoplanen saknar [{section}].")

    verksamheter: dict[str, Verksamhet] = {}
    for kod, item in items("verksamheter"):
        if grupper and item["grupp"] not in grupper:
            raise toml.fail(("verksamheter", kod), f"Verksamhet {kod} har gruppen '{item['grupp']}', som saknas i radgrupper. Lägg till den där eller rätta namnet.")
        verksamheter[kod] = Verksamhet(kod, item["namn"], item["grupp"])

    konton: dict[str, Konto] = {}
    for nr, item in items("konton"):
        typ = item.get("typ") or default_konto_typ(nr)
        if typ is None:
            raise toml.fail(("konton", nr), f"Konto {nr} behöver typ = ett av {', '.join(KONTO_TYPES)} (klass 8 och konton utan kontoklass måste ange typ).")
        investering = item.get("investering", False)
        if investering and typ != KIND_TILLGANG:
            raise toml.fail(("konton", nr), f"Konto {nr}: investering = true gäller tillgångskonton (t.ex. 1220 Inventarier).")
        finanspost = item.get("finanspost") or FINANSPOST_BY_CLASS.get(nr[:2])
        if item.get("finanspost") and typ not in (KIND_INTAKT, KIND_KOSTNAD):
            raise toml.fail(("konton", nr), f"Konto {nr}: finanspost gäller intäkts- och kostnadskonton, inte {typ}.")
        konton[nr] = Konto(nr, item["namn"], typ, investering, finanspost)

    ansvar = {kod: Ansvar(kod, item["namn"], item.get("avdelning")) for kod, item in items("ansvar")}

    if not grupper:
        grupper = list(dict.fromkeys(v.grupp for v in verksamheter.values()))
    special = {}
    for key, typ in (("eget_kapital_konto", KIND_EGET_KAPITAL), ("avrakningskonto", KIND_TILLGANG)):
        value = data.get(key)
        if value is not None and (value not in konton or konton[value].typ != typ):
            raise toml.fail(key, f"{key} = \"{value}\" ska vara ett konto av typen {typ} under [konton].")
        special[key] = value
    namnd = data["namnd"]
    return Kontoplan(
        path=path,
        namnd=namnd,
        namn=data.get("namn", namnd),
        kommun=data.get("kommun"),
        radgrupper=tuple(grupper),
        verksamheter=verksamheter,
        konton=konton,
        ansvar=ansvar,
        lines=toml.lines,
        eget_kapital_per=data.get("eget_kapital_per", "nämnd"),
        enheter=tuple(u.strip().lower() for u in data.get("enheter", DEFAULT_UNITS)),
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
    vård'] (namndbok.plugins.kontoplan adds the ansvar's part, joins them with " / ", and uses
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
