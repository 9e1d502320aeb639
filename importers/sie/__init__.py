"""SIE (types 1–4, 4E and 4I): the parser, the importer and a writer for tests."""
