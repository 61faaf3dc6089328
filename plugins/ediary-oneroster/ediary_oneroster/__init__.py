"""IMS OneRoster 1.1 and 1.2 CSV import and export for ediary."""
