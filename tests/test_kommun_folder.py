"""A kommun's folder (namndbok.kommun_folder): one nämnd ledger per subfolder, the finansförvaltning apart."""

from __future__ import annotations

import shutil

import pytest

from conftest import EXAMPLE_LEDGER

from namndbok.kommun_folder import KommunError, read_kommun_folder


def _namnd(folder, name):
    folder.mkdir(parents=True)
    shutil.copy(EXAMPLE_LEDGER, folder / f"{name}.beancount")


def test_a_kommun_is_its_nämnd_folders_in_name_order_with_the_finansforvaltning_apart(tmp_path):
    kommun = tmp_path / "kommun"
    _namnd(kommun / "vard-och-omsorg", "vard")
    _namnd(kommun / "socialnamnden", "social")
    _namnd(kommun / "finansforvaltning", "finans")
    (kommun / "rapporter").mkdir()  # no .beancount: not a nämnd
    (kommun / "kommun.toml").write_text('namn = "Exempelkommun"\n', encoding="utf-8")
    found = read_kommun_folder(kommun)
    assert found.namn == "Exempelkommun"
    assert [n.folder.name for n in found.namnder] == ["socialnamnden", "vard-och-omsorg"]
    assert [n.ledger.name for n in found.namnder] == ["social.beancount", "vard.beancount"]
    assert found.finans.ledger == kommun / "finansforvaltning" / "finans.beancount"


def test_a_folder_that_is_no_kommun_is_refused_saying_what_to_do(tmp_path):
    with pytest.raises(KommunError, match="ingen nämnd"):
        read_kommun_folder(tmp_path)
    _namnd(tmp_path / "a", "a")
    shutil.copy(EXAMPLE_LEDGER, tmp_path / "a" / "b.beancount")
    with pytest.raises(KommunError, match=r"2 huvudliggare \(a.beancount, b.beancount\)"):
        read_kommun_folder(tmp_path)
    (tmp_path / "a" / "b.beancount").unlink()
    (tmp_path / "kommun.toml").write_text('namn = ""\n', encoding="utf-8")
    with pytest.raises(KommunError, match=r"kommun.toml:1: ange kommunens namn"):
        read_kommun_folder(tmp_path)
