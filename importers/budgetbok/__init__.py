"""Budget workbooks (CSV/XLSX): the economists' internbudget per verksamhet × konto."""
