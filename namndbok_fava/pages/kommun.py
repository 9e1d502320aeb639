"""Kommun: the municipality's table (namndbok.kommun) over every ledger Fava serves, when it serves
several (`fava a.beancount b.beancount`, `namndbok fava KATALOG`): the cells `namndbok kommun`
prints (`namndbok.export.kommun_files`), each nämnd linked to its own ledger's pages. The ledger
in a folder named `finansforvaltning` is the finansförvaltning; the others are nämnder, in folder order."""

from __future__ import annotations

from pathlib import Path

from namndbok_fava.pages import Cell, Table, measure_cell


def served_ledgers() -> list:
    """(slug, FavaLedger) of every ledger this Fava serves."""
    from flask import current_app

    return list(current_app.config["LEDGERS"].items())


def several() -> bool:
    return len(served_ledgers()) > 1


def page(ext, data, date, args) -> dict:
    from namndbok.export import kommun_files as files
    from namndbok.kommun import Loaded, kommun_table, which
    from namndbok.kommun_folder import FINANS, KommunError, read_kommun_folder
    from namndbok.load_reading import reading_of
    from namndbok.loading import faults, faults_message
    from namndbok_fava.pages import without_folder

    served = sorted(served_ledgers(), key=lambda item: Path(item[1].beancount_file_path).parent.name)
    namnder, finans, slugs = [], None, []
    for slug, ledger in served:
        if ledger is not ext.ledger:
            ledger.changed()  # Fava reloads only the ledger of the request: the others too, when their files changed
        path = Path(ledger.beancount_file_path)
        wrong = faults(ledger.errors)
        if wrong:
            return {"message": without_folder(f"{which(path.parent)} kan inte läsas: {faults_message(wrong, path)}",
                                              path.parent.parent)}
        loaded = Loaded(path.parent, path, ledger.all_entries, ledger.options, reading_of(ledger.all_entries, ledger.options))
        if path.parent.name == FINANS:
            finans = loaded
        else:
            namnder.append(loaded)
            slugs.append((slug, ledger))
    parent = Path(served[0][1].beancount_file_path).parent.parent
    try:
        namn = read_kommun_folder(parent).namn
    except KommunError:
        namn = parent.name
    try:
        table = kommun_table(namn, namnder, finans, date)  # each reading keeps the engine's selections (data.cache)
    except KommunError as err:
        return {"message": without_folder(str(err), parent)}
    printed = files.rows(table)
    measures = files.row_measures(table)
    rows = []
    for index, ((cells, bold), values) in enumerate(zip(printed, measures)):
        url = _ledger_link(*slugs[index]) if index < len(slugs) else None
        out = [Cell(cells[0], url, remote=True), *(Cell(text) for text in cells[1:])]
        out[5] = measure_cell(values, "avvikelse_helar", text=cells[5])  # signed and toned, as every avvikelse on the web
        rows.append((out, bold))
    return {"message": None, "table": Table(files.title(table), tuple(files.headers(table)), rows, "kommun"),
            "notes": files.notes(table)}


def _ledger_link(slug: str, ledger) -> str:
    """A nämnd's own pages: our report when its ledger has the extension, else Fava's resultaträkning."""
    from fava.application import url_for

    if ledger.extensions.get_extension("Namndbok") is not None:
        return url_for("extension_report", bfile=slug, extension_name="Namndbok")
    return url_for("report", bfile=slug, report_name="income_statement")
