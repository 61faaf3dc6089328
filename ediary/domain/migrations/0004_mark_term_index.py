from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('diary', '0003_calendar_feeds')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='Mark',
            index=Index(fields=['term_id', 'student_id', 'subject_id']),
        ),
    ]
