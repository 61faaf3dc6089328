"""School life beside the journal: announcements, teachers' blogs and meetings."""
