"""The officers' home page: totals, charts, next steps, data quality and the report deadline."""
