"""A school's class list from a spreadsheet (XLSX or CSV, Russian or English headers) into
ediary: students, their classes and their parents."""
