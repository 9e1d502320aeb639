import pytest

from namndbok.accounts import (
    KIND_EGET_KAPITAL,
    KIND_INTAKT,
    KIND_KOMMUNBIDRAG,
    KIND_KOSTNAD,
    KIND_TILLGANG,
    AccountNameError,
    AccountRef,
    Roots,
    balance_account,
    parse_account,
    result_account,
)

ROOTS = Roots()


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Kostnader:Socialnämnden:5731:4610:2200",
         AccountRef("Kostnader:Socialnämnden:5731:4610:2200", KIND_KOSTNAD, "Socialnämnden", "5731", "4610", "2200")),
        ("Kostnader:Socialnämnden:5731",
         AccountRef("Kostnader:Socialnämnden:5731", KIND_KOSTNAD, "Socialnämnden", "5731")),
        ("Intäkter:Socialnämnden:610:3512",
         AccountRef("Intäkter:Socialnämnden:610:3512", KIND_INTAKT, "Socialnämnden", "610", "3512")),
        ("Intäkter:Socialnämnden:Kommunbidrag:5731:2200",
         AccountRef("Intäkter:Socialnämnden:Kommunbidrag:5731:2200", KIND_KOMMUNBIDRAG, "Socialnämnden", "5731", None, "2200")),
        ("Intäkter:Socialnämnden:Kommunbidrag",
         AccountRef("Intäkter:Socialnämnden:Kommunbidrag", KIND_KOMMUNBIDRAG, "Socialnämnden")),
        ("Tillgångar:Socialnämnden:1690",
         AccountRef("Tillgångar:Socialnämnden:1690", KIND_TILLGANG, "Socialnämnden", None, "1690")),
        ("Eget-kapital:Socialnämnden:2011:2200",
         AccountRef("Eget-kapital:Socialnämnden:2011:2200", KIND_EGET_KAPITAL, "Socialnämnden", None, "2011", "2200")),
    ],
)
def test_parse_account(name, expected):
    assert parse_account(name, ROOTS) == expected


@pytest.mark.parametrize(
    "name",
    [
        "Expenses:Socialnämnden:5731:4610",
        "Kostnader:Socialnämnden:5731:4610:2200:X",
        "Intäkter:Socialnämnden:Kommunbidrag:5731:2200:X",
        "Tillgångar:Socialnämnden:1690:2200:X",
    ],
)
def test_names_outside_the_scheme_are_refused(name):
    with pytest.raises(AccountNameError):
        parse_account(name, ROOTS)


def test_english_roots_follow_the_options():
    roots = Roots("Assets", "Liabilities", "Equity", "Income", "Expenses")
    assert parse_account("Expenses:SN:5731:4610", roots).kind == KIND_KOSTNAD


def test_compose_is_the_inverse_of_parse():
    for kind, verksamhet, konto, ansvar in [
        (KIND_KOSTNAD, "5731", "4610", "2200"),
        (KIND_INTAKT, "610", "3512", None),
        (KIND_KOMMUNBIDRAG, "5731", None, None),
    ]:
        name = result_account(ROOTS, kind, "Socialnämnden", verksamhet, konto, ansvar)
        ref = parse_account(name, ROOTS)
        assert (ref.kind, ref.verksamhet, ref.konto, ref.ansvar) == (kind, verksamhet, konto, ansvar)
    assert balance_account(ROOTS, KIND_TILLGANG, "Socialnämnden", "1690") == "Tillgångar:Socialnämnden:1690"


def test_disposition_is_its_own_kind():
    ref = parse_account("Intäkter:Socialnämnden:Disposition:5731", ROOTS)
    assert (ref.kind, ref.verksamhet) == ("disposition", "5731")
    assert result_account(ROOTS, "disposition", "Socialnämnden", "5731") == ref.account
