from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index
from ediary.domain.enums import WorkKind

class Migration(migrations.Migration):
    dependencies = [('diary', '0011_absence_notices')]

    initial = False

    operations = [
        ops.CreateModel(
            name='PlannedWork',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('lesson', fields.ForeignKeyField('diary.Lesson', source_field='lesson_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='ORAL: oral\nCLASSWORK: classwork\nHOMEWORK: homework\nQUIZ: quiz\nDICTATION: dictation\nLAB: lab\nESSAY: essay\nTEST: test\nEXAM: exam', enum_type=WorkKind, max_length=16)),
                ('remote', fields.BooleanField(default=False)),
                ('topic', fields.CharField(default='', max_length=200)),
                ('description', fields.CharField(default='', max_length=1000)),
                ('weight', fields.SmallIntField()),
                ('author', fields.ForeignKeyField('diary.User', source_field='author_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('revision', fields.SmallIntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('cancelled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'planned_work', 'app': 'diary', 'indexes': [Index(fields=['lesson_id'])], 'pk_attr': 'id', 'table_description': 'A test, quiz or other work a teacher announces ahead for a lesson of the timetable.'},
            bases=['Model'],
        ),
    ]
