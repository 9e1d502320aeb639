"""`python -m bench` from the repository's root (see bench/run.py)."""

from bench.run import main
from namndbok.scripts import click_svenska

if __name__ == "__main__":
    with click_svenska.swedish():  # click's words in Swedish, as in `namndbok`
        click_svenska.localize(main)
        main(prog_name="python -m bench")
