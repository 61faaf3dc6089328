from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('diary', '0016_issued_logins')]

    initial = False

    operations = [
        ops.CreateModel(
            name='TermRemark',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('student', fields.ForeignKeyField('diary.User', source_field='student_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('term', fields.ForeignKeyField('diary.Term', source_field='term_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('school_class', fields.ForeignKeyField('diary.SchoolClass', source_field='school_class_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('text', fields.CharField(max_length=1000)),
                ('author', fields.ForeignKeyField('diary.User', source_field='author_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'term_remark', 'app': 'diary', 'unique_together': (('student', 'term'),), 'indexes': [Index(fields=['school_class_id', 'term_id'])], 'pk_attr': 'id', 'table_description': 'The remark of the class teacher on a student for a term, printed on the report card.'},
            bases=['Model'],
        ),
    ]
