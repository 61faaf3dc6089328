"""HTTP routes beside GraphQL: charts, report files and calendar feeds (see `routes`)."""
