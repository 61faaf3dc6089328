from tortoise import fields, migrations
from tortoise.migrations import operations as ops


async def _fill(apps, schema_editor):
    await schema_editor.client.execute_script(
        "UPDATE attendance SET date = (SELECT date FROM lesson WHERE lesson.id = attendance.lesson_id)"
    )


class Migration(migrations.Migration):
    dependencies = [('diary', '0018_session_write_position')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Attendance',
            name='date',
            field=fields.DateField(null=True),
        ),
        ops.RunPython(_fill, ops.RunPython.noop),
        ops.AlterField(
            model_name='Attendance',
            name='date',
            field=fields.DateField(),
        ),
    ]
