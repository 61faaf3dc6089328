"""Writing the diary: marks, homework, topics, attendance, remarks and timetable changes.

Each service runs in one transaction and returns what it changed together with the
`DiaryChange`s to announce once the transaction has committed.
"""
