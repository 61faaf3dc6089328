from tortoise import migrations
from tortoise.migrations import operations as ops
from ediary_dnevnik.models import CodeRole
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('diary', '0002_security')]

    initial = True

    operations = [
        ops.CreateModel(
            name='AccessCodeBatch',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('school_class', fields.ForeignKeyField('diary.SchoolClass', source_field='school_class_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('issued_by', fields.ForeignKeyField('diary.User', source_field='issued_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'dnevnik_access_code_batch', 'app': 'dnevnik', 'pk_attr': 'id', 'table_description': 'Access codes issued together for the families of one class.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AccessCode',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('batch', fields.ForeignKeyField('dnevnik.AccessCodeBatch', source_field='batch_id', db_constraint=True, to_field='id', related_name='codes', on_delete=OnDelete.CASCADE)),
                ('student', fields.ForeignKeyField('diary.User', source_field='student_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('role', fields.CharEnumField(description='PARENT: parent\nSTUDENT: student', enum_type=CodeRole, max_length=16)),
                ('token', fields.OneToOneField('diary.OneTimeToken', source_field='token_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('nonce', fields.CharField(max_length=32)),
                ('redeemed_by', fields.ForeignKeyField('diary.User', source_field='redeemed_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'dnevnik_access_code', 'app': 'dnevnik', 'pk_attr': 'id', 'table_description': 'One access code for one child and one role, usable once before it expires.'},
            bases=['Model'],
        ),
    ]
