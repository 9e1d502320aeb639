"""Huvudbok exports (CSV/XLSX) read through a column mapping per source system."""
