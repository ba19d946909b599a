"""The yearly implementation report: grouped by plan task, as a page, XLSX and PDF."""
