from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('diary', '0013_meeting_changes')]

    initial = False

    operations = [
        ops.CreateModel(
            name='OneTimeCode',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('purpose', fields.CharField(max_length=64)),
                ('subject_hash', fields.CharField(max_length=64)),
                ('code_hash', fields.CharField(max_length=64)),
                ('user', fields.ForeignKeyField('diary.User', source_field='user_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('payload', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ('attempts', fields.IntField(default=0)),
                ('max_attempts', fields.IntField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'one_time_code', 'app': 'diary', 'indexes': [Index(fields=['purpose', 'subject_hash']), Index(fields=['user_id', 'purpose'])], 'pk_attr': 'id', 'table_description': 'A short code a person types, such as six digits sent by SMS: single-use, expiring, and'},
            bases=['Model'],
        ),
    ]
