"""beangulp importers for what finance systems export (SIE 4, huvudbok CSV/XLSX)."""
