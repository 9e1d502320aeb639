"""The period's files: tables as Markdown, CSV and XLSX, charts, the HTML page and its PDF, the facts in Parquet."""
