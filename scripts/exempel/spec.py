"""What the example committee is meant to look like, as plain tables.

Socialnämnden in the fictitious Exempelkommun: eleven verksamheter, thirteen
units (ansvar), about 900 mnkr kommunbidrag. The tests hold the generated
ledger to these tables.
"""

from __future__ import annotations

from typing import NamedTuple

from namndbok.accounts import KIND_INTAKT, KIND_KOSTNAD, Roots

NAMND = "Socialnämnden"
AVRAKNING = "1690"  # the committee's settlement account with the municipality
ROOTS = Roots()
MNKR = 100_000_000  # öre per mnkr

# (kommunbidrag, intäkter, kostnader) per verksamhet, mnkr, report sign.
TOTALS: dict[int, dict[str, tuple[str, str, str]]] = {
    2025: {
        "010": ("5.4", "0", "-5.3"),
        "550": ("0", "0.3", "-4.1"),
        "571": ("145.0", "14.0", "-153.2"),
        "572": ("80.0", "9.5", "-86.4"),
        "5731": ("215.0", "6.2", "-236.5"),
        "5732": ("225.0", "7.1", "-241.0"),
        "5733": ("172.0", "3.4", "-172.9"),
        "5739": ("30.0", "1.1", "-31.6"),
        "581": ("4.7", "0.2", "-4.8"),
        "589": ("19.5", "0.6", "-19.4"),
        "610": ("2.4", "41.5", "-42.8"),
    },
    2026: {
        "010": ("5.6", "0", "-5.5"),
        "550": ("0", "0.3", "-4.4"),
        "571": ("150.0", "14.5", "-158.0"),
        "572": ("83.0", "9.8", "-90.2"),
        "5731": ("232.0", "6.4", "-240.1"),
        "5732": ("236.0", "7.3", "-248.5"),
        "5733": ("176.0", "7.5", "-180.4"),
        "5739": ("31.5", "1.1", "-32.9"),
        "581": ("4.9", "0.2", "-5.0"),
        "589": ("20.3", "0.6", "-20.5"),
        "610": ("2.5", "36.0", "-38.2"),
    },
}



def _history(factor: str, result: str) -> dict[str, tuple[str, str, str]]:
    """An earlier year: 2025's amounts times `factor`, with HVB costs set so
    that the year's result is `result` (mnkr)."""
    from decimal import Decimal

    f, tenth = Decimal(factor), Decimal("0.1")
    out = {v: tuple(str((Decimal(x) * f).quantize(tenth)) for x in row) for v, row in TOTALS[2025].items()}
    others = sum(Decimal(x) for v, row in out.items() for x in row) - Decimal(out["5731"][2])
    kb, intakt, _ = out["5731"]
    out["5731"] = (kb, intakt, str(Decimal(result) - others))
    return out


# The years before: 2023 ended with a deficit the council wrote off, 2024 with
# one the committee repays over three years.
TOTALS[2023] = _history("0.92", "-9.5")
TOTALS[2024] = _history("0.96", "-20.0")
TOTALS = dict(sorted(TOTALS.items()))

# Months of utfall in the example: 2023–2025 whole, January–October 2026.
MONTHS_WRITTEN = {2023: 12, 2024: 12, 2025: 12, 2026: 10}

# Per verksamhet: (ansvar, konto, weight) for intäkter and for kostnader.
LINES: dict[str, dict[str, list[tuple[str, str, int]]]] = {
    "010": {
        KIND_INTAKT: [],
        KIND_KOSTNAD: [("1000", "5011", 55), ("1000", "5410", 17), ("1000", "5610", 5),
                       ("1000", "6810", 5), ("1000", "6410", 3), ("1000", "6420", 5),
                       ("1000", "7990", 10)],
    },
    "550": {
        KIND_INTAKT: [("4300", "3910", 100)],
        KIND_KOSTNAD: [("4300", "4690", 62), ("4300", "4541", 18), ("4300", "5020", 12),
                       ("4300", "5410", 4), ("4300", "4010", 1), ("4300", "7990", 3)],
    },
    "571": {
        KIND_INTAKT: [("3100", "3340", 30), ("3300", "3610", 35), ("3100", "3511", 25),
                      ("3300", "3990", 10)],
        KIND_KOSTNAD: [("3100", "4610", 380), ("3100", "4611", 70), ("3100", "4640", 90),
                       ("3100", "4630", 50), ("3100", "5020", 80), ("3100", "5410", 30),
                       ("3100", "4710", 20), ("3300", "5020", 130), ("3300", "5410", 50),
                       ("3300", "5060", 10), ("3300", "6110", 30), ("3300", "4010", 10),
                       ("3300", "6210", 10), ("1100", "5020", 20), ("1100", "5410", 7),
                       ("1100", "6420", 10), ("1100", "6710", 8), ("1100", "7810", 5)],
    },
    "572": {
        KIND_INTAKT: [("3200", "3412", 55), ("3100", "3511", 30), ("3200", "3990", 15)],
        KIND_KOSTNAD: [("3100", "4530", 12), ("3100", "4640", 18), ("3100", "4650", 10),
                       ("3200", "5020", 22), ("3200", "5410", 8), ("3200", "5022", 3),
                       ("3200", "6120", 14), ("3200", "6210", 2), ("3200", "4010", 2),
                       ("3100", "5020", 5), ("3100", "5410", 2), ("1100", "6420", 1),
                       ("1100", "6710", 1)],
    },
    "5731": {
        KIND_INTAKT: [("2200", "3340", 40), ("2500", "3690", 35), ("2200", "3910", 25)],
        KIND_KOSTNAD: [("2200", "4610", 520), ("2200", "4611", 140), ("2500", "5020", 130),
                       ("2500", "5022", 20), ("2500", "5060", 10), ("2500", "5410", 50),
                       ("2500", "6110", 30), ("2500", "4010", 10), ("2500", "6210", 10),
                       ("2200", "5020", 40), ("2200", "5410", 15), ("2200", "4710", 20),
                       ("1100", "6420", 5)],
    },
    "5732": {
        KIND_INTAKT: [("2300", "3340", 50), ("2300", "3910", 30), ("2300", "3511", 20)],
        KIND_KOSTNAD: [("2300", "4540", 45), ("2200", "4620", 35), ("2300", "5020", 9),
                       ("2300", "5410", 3), ("2300", "5610", 1), ("2300", "6810", 1),
                       ("2200", "5020", 3), ("2200", "5410", 1), ("1100", "6420", 1),
                       ("2300", "7990", 1)],
    },
    "5733": {
        KIND_INTAKT: [("2400", "3511", 45), ("2400", "3610", 30), ("2400", "3990", 25)],
        KIND_KOSTNAD: [("2400", "5020", 30), ("2400", "5022", 3), ("2400", "5410", 11),
                       ("2400", "4630", 12), ("2100", "5020", 18), ("2100", "5410", 6),
                       ("2100", "4710", 6), ("2100", "6710", 2), ("2400", "6110", 5),
                       ("2400", "4010", 1), ("2400", "6810", 1), ("1100", "6420", 2),
                       ("1100", "7810", 1), ("1100", "8590", 1), ("2100", "5690", 1)],
    },
    "5739": {
        KIND_INTAKT: [("2400", "3511", 70), ("2400", "3990", 30)],
        KIND_KOSTNAD: [("2400", "5020", 45), ("2400", "5410", 15), ("2100", "5020", 15),
                       ("2100", "5410", 5), ("2400", "4541", 10), ("2400", "6110", 6),
                       ("2400", "4010", 2), ("1100", "6420", 2)],
    },
    "581": {
        KIND_INTAKT: [("4100", "3320", 100)],
        KIND_KOSTNAD: [("4100", "4690", 55), ("4100", "5020", 30), ("4100", "5410", 10),
                       ("4100", "6110", 5)],
    },
    "589": {
        KIND_INTAKT: [("4100", "3320", 60), ("4100", "3990", 40)],
        KIND_KOSTNAD: [("4100", "5020", 60), ("4100", "5410", 20), ("4100", "4690", 8),
                       ("4100", "6110", 5), ("4100", "6420", 3), ("4100", "5610", 2),
                       ("4100", "6810", 2)],
    },
    "610": {
        KIND_INTAKT: [("4200", "3512", 85), ("4200", "3412", 12), ("4200", "3990", 3)],
        KIND_KOSTNAD: [("4200", "4530", 35), ("4200", "5020", 25), ("4200", "5410", 8),
                       ("4200", "6120", 18), ("4200", "4640", 8), ("4200", "6710", 2),
                       ("4200", "4010", 2), ("4200", "7010", 2)],
    },
}

# Monthly profiles: (weights Jan..Dec, relative noise).
_SALARY = ((100, 97, 100, 100, 100, 106, 72, 93, 104, 104, 105, 119), 0.02)
_EVEN = ((1,) * 12, 0.0)
_PURCHASE = ((100, 95, 102, 100, 100, 100, 103, 100, 98, 100, 100, 102), 0.07)
_QUARTERLY_GRANT = ((0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1), 0.0)
_MIGRATIONSVERKET = ((0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0), 0.15)
_OTHER = ((100, 100, 100, 100, 100, 100, 80, 90, 100, 100, 100, 130), 0.10)
_FEES = ((100,) * 12, 0.06)
_ARVODEN = ((100, 100, 100, 100, 100, 100, 40, 80, 100, 100, 100, 100), 0.03)

PROFILES = {
    "5011": _ARVODEN,
    **{k: _SALARY for k in ("5020", "5022", "5060", "5410", "4710")},
    **{k: _EVEN for k in ("6110", "6120", "7810", "8590", "7010", "6420")},
    **{k: _PURCHASE for k in ("4530", "4540", "4541", "4610", "4611", "4620", "4630",
                              "4640", "4650", "4690")},
    "3511": _QUARTERLY_GRANT,
    "3512": _MIGRATIONSVERKET,
}


def profile_of(konto: str, kind: str) -> tuple[tuple[int, ...], float]:
    if konto in PROFILES:
        return PROFILES[konto]
    return _FEES if kind == KIND_INTAKT else _OTHER




# ---------------------------------------------------------------------------
# Budget: the committee's internbudget per verksamhet is balanced (kommunbidrag
# = nettokostnad); its intäkter are last year's level times a factor, which is
# where the year's revenue deviations come from; its kostnader follow.

BUDGET_INTAKT_FAKTOR = {"610": "0.90", "571": "1.05", "5733": "0.95", "572": "0.97"}


class BudgetDecisionSpec(NamedTuple):
    date: str
    name: str
    typ: str
    beslut: str
    ersatter: str | None
    # (kind, verksamhet, konto, öre in report sign); verksamhet None = whole nämnd
    lines: tuple[tuple[str, str | None, str | None, int], ...] | None  # None: internbudget detail


def frame_and_internbudget(year: int, kf: str, kf_date: str, sn: str, sn_date: str) -> list[BudgetDecisionSpec]:
    return [
        BudgetDecisionSpec(kf_date, f"KF-budget {year}", "kf-budget", kf, None, None),
        BudgetDecisionSpec(sn_date, f"Internbudget {year}", "internbudget", sn, f"KF-budget {year}", None),
    ]


DECISIONS: dict[int, list[BudgetDecisionSpec]] = {
    2023: frame_and_internbudget(2023, "KF 2022-11-28 §190", "2022-11-28", "SN 2022-12-14 §155", "2022-12-14"),
    2024: frame_and_internbudget(2024, "KF 2023-11-27 §205", "2023-11-27", "SN 2023-12-13 §160", "2023-12-13"),
    2025: frame_and_internbudget(2025, "KF 2024-11-25 §201", "2024-11-25", "SN 2024-12-11 §170", "2024-12-11"),
    2026: frame_and_internbudget(2026, "KF 2025-11-24 §210", "2025-11-24", "SN 2025-12-17 §162", "2025-12-17") + [
        BudgetDecisionSpec(
            "2026-03-11", "Hyreskompensation HVB Solrosen", "kommunbidrag", "KS 2026-03-11 §45", None,
            (("kommunbidrag", "5731", None, 48_600_00), ("kostnad", "5731", "6110", -48_600_00)),
        ),
        BudgetDecisionSpec(
            "2026-04-27", "Justerat PO-pålägg 2026", "kommunbidrag", "KF 2026-04-27 §78", None,
            # −3,0 mnkr kommunbidrag and PO, spread over the verksamheter by their PO budget
            (("po", None, "5410", -3 * MNKR),),
        ),
        BudgetDecisionSpec(
            "2026-06-10", "Tilläggsbudget statsbidrag 2026", "tilläggsbudget", "SN 2026-06-10 §98", None,
            (("intäkt", "5733", "3511", 4 * MNKR), ("kostnad", "5733", "5020", -4 * MNKR)),
        ),
    ],
}

# Prognos: the follow-ups of 2026 (month), and how far each has come from the
# budget towards the year's real outcome (TOTALS).
FOLLOW_UPS = {2026: (2, 3, 4, 5, 6, 8, 9, 10)}
CONVERGENCE = {2: "0.45", 3: "0.55", 4: "0.65", 5: "0.72", 6: "0.80", 8: "0.90", 9: "0.95", 10: "0.98"}
CASE_MONTHS = (4, 8, 10)  # tertial 1, delår and the latest: bästa and sämsta fall
COMMENTS = {
    ("5731", KIND_KOSTNAD): "Fler placeringar på HVB och SiS än budgeterat.",
    ("5732", KIND_KOSTNAD): "Fler barn i konsulentstödda familjehem.",
    ("571", KIND_KOSTNAD): "Lägre volymer av köpt institutionsvård för vuxna.",
    ("610", KIND_INTAKT): "Högre ersättning från Migrationsverket än budgeterat.",
}


# ---------------------------------------------------------------------------
# Eget kapital: the opening balance when the ledger starts, and the council's
# decisions (written to <år>/beslut.beancount; namndbok.plugins.eget_kapital books them).

OPENING_EK = ("2023-01-01", 2 * MNKR, "Enligt bokslut 2022")


class EKDecisionSpec(NamedTuple):
    date: str
    name: str
    typ: str
    beslut: str
    ar: int | None = None
    plan: tuple[tuple[int, int], ...] = ()  # aterbetalning: (year, öre change of kommunbidrag)


EK_DECISIONS = (
    EKDecisionSpec("2024-04-22", "Avskrivning av negativt eget kapital 2023", "avskrivning", "KF 2024-04-22 §61", ar=2023),
    EKDecisionSpec("2025-02-17", "Återbetalning av underskott 2024", "aterbetalning", "KF 2025-02-17 §14",
                   plan=((2025, 20 * MNKR), (2026, -10 * MNKR), (2027, -10 * MNKR))),
)

# A saving the committee budgets at nämnd level to balance a lower kommunbidrag.
SAVINGS = {2026: (10 * MNKR, "Besparing inför återbetalning av underskott 2024 (ej fördelad)")}
SAVING_COMMENT = "Besparingen är inte fördelad på verksamheterna och bedöms inte nås i år."


# ---------------------------------------------------------------------------
# Investments (followed apart from drift): KF's investment budget, purchases
# booked on 1220 Inventarier, and the prognos at each follow-up.

class InvestmentSpec(NamedTuple):
    konto: str
    budget: int  # öre
    decided: str
    name: str
    beslut: str
    purchases: tuple[tuple[int, int, str, str], ...]  # (month, öre, text, ansvar)
    prognos: dict[int, int]  # follow-up month → öre for the year


INVESTMENTS = {
    2026: InvestmentSpec(
        "1220", 2 * MNKR, "2025-11-24", "Investeringsbudget 2026", "KF 2025-11-24 §211",
        ((3, 42_000_000, "Inventarier, Beroendemottagningen", "3300"),
         (9, 91_550_000, "IT-utrustning, Familjehemsenheten", "2300")),
        {2: 2 * MNKR, 3: 2 * MNKR, 4: 2 * MNKR, 5: 2 * MNKR, 6: 180_000_000, 8: 180_000_000, 9: 160_000_000, 10: 160_000_000},
    ),
}


# ---------------------------------------------------------------------------
# Volumes for nyckeltal: per verksamhet, unit and ansvar, the year's total
# (spread over the months with a little noise), and the budgeted volume.

VOLUMES = {
    # (verksamhet, enhet, ansvar): {year: total}
    ("5731", "vårddygn", "2500"): {2025: 12_480, 2026: 12_300},
    ("5731", "vårddygn", "2200"): {2025: 19_050, 2026: 18_400},
    ("5732", "vårddygn", "2300"): {2025: 96_200, 2026: 98_600},
    ("5733", "vårdtagare", "2400"): {2025: 7_960, 2026: 8_150},
    ("5733", "vårdtagare", "2100"): {2025: 240, 2026: 262},
    ("571", "vårddygn", "3100"): {2025: 9_100, 2026: 8_400},
}
VOLUME_BUDGETS = {2026: {("5731", "vårddygn"): 30_000, ("5732", "vårddygn"): 95_000, ("5733", "vårdtagare"): 8_000,
                         ("571", "vårddygn"): 9_500}}
