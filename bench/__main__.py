"""`python -m bench` from the repository's root (see bench/run.py)."""

import sys

from bench.run import main

if __name__ == "__main__":
    sys.exit(main())
