from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('diary', '0020_partition_by_academic_year')]

    initial = False

    # A student's absences in a week (the diary) by index, in every year's partition: without
    # it a plan made once for any week scans the whole year's attendance.
    operations = [
        ops.AddIndex(
            model_name='Attendance',
            index=Index(fields=['student_id', 'date']),
        ),
    ]
