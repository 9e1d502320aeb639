"""Refuse a load that may have read the ledger half before and half after a change.

    plugin "namndbok.plugins.skrivlas"

Our commands and Fava with the Nämndbok extension read the ledger under its
shared lock (`namndbok.writer_lock`), so a writer never changes it under them;
for those loads this plugin checks nothing. Other programs (bean-check,
bean-query, Fava's first load) take no lock. For them the plugin refuses the
load when a `namndbok` command was writing when the plugin ran, or was killed
while writing (its journal `.namndbok-avbruten/` is there), and — for a
one-shot command such as bean-check — when a writer changed the ledger after
the command started:

    $ namndbok import stor.se socialnamnden.beancount &   # writes twelve month files
    $ bean-check socialnamnden.beancount
    socialnamnden.beancount:0: Liggaren lästes medan ett namndbok-kommando skrev i den … Läs om …

Run it again when the writer is done. Beancount's own pickle cache, which
bean-check uses, would otherwise serve such a refusal (or a load from before
an import that added new files to an include glob) again and again: the plugin
ties that cache to the lock file, which every writer rewrites when it is done,
and never lets a refused load be served from it.

Put the line first among the plugins.
"""

from __future__ import annotations

from namndbok.writer_lock import check_load, tie_pickle_cache

__plugins__ = ("skrivlas",)


def skrivlas(entries, options_map, config=None):
    errors = check_load(options_map["filename"])
    tie_pickle_cache(options_map, refused=bool(errors))
    return entries, errors
