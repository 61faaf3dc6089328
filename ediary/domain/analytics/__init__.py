"""Progress analytics: standings, forecasts, progress over time, ratings, reports.

Every figure is computed from SQL aggregates (sums and counts grouped by student, subject,
date...) and the exact arithmetic of `ediary.domain.grading`; individual marks are never
loaded into Python to be summed.
"""
