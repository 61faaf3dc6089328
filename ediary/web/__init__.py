"""HTTP routes beside GraphQL: charts, report files, calendar feeds and attachments."""
