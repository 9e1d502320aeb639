"""Nämndbok's benchmarks: not part of the installed product.

Run from the repository's root with the project's environment:

    .venv/bin/python -m bench            # every figure, written to bench/RESULTAT.md
    .venv/bin/python -m bench --snabb    # small sizes, once, to the terminal

bench/run.py runs them; bench/tests/ tests them (`python -m pytest bench/tests`).
"""
