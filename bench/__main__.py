"""`python -m bench` from the repository's root (see bench/run.py)."""

from bench.run import main

if __name__ == "__main__":
    main(prog_name="python -m bench")
