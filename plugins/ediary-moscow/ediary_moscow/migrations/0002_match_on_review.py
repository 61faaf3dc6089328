from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields


class Migration(migrations.Migration):
    """The student is matched by the school on approval, not when the parent files."""

    dependencies = [('moscow', '0001_applications')]

    operations = [
        ops.AlterField(
            model_name='DiaryApplication',
            name='student',
            field=fields.ForeignKeyField('diary.User', source_field='student_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE),
        ),
    ]
