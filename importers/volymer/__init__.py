"""Volume lists (CSV/XLSX): vårddygn, vårdtagare, placeringar … per verksamhet and month."""
