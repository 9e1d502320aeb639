"""The `namndbok` command line: serve Fava, generate the example, run the period-close."""
