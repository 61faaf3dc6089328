from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('diary', '0007_talk')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='Homework',
            index=Index(fields=['lesson_id']),
        ),
        ops.AddIndex(
            model_name='HomeworkAttachment',
            index=Index(fields=['homework_id']),
        ),
        ops.AddIndex(
            model_name='Enrollment',
            index=Index(fields=['student_id', 'starts_on']),
        ),
        ops.AddIndex(
            model_name='SchoolClass',
            index=Index(fields=['class_teacher_id']),
        ),
    ]
