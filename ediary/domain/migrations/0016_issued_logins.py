from tortoise import migrations
from tortoise.migrations import operations as ops
from ediary.domain.enums import Role
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('diary', '0015_account_events')]

    initial = False

    operations = [
        ops.AddField(
            model_name='User',
            name='temporary_password_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Session',
            name='must_change_password',
            field=fields.BooleanField(default=False),
        ),
        ops.CreateModel(
            name='LoginBatch',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('school_class', fields.ForeignKeyField('diary.SchoolClass', source_field='school_class_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('issued_by', fields.ForeignKeyField('diary.User', source_field='issued_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('sheets_until', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'login_batch', 'app': 'diary', 'indexes': [Index(fields=['school_class_id', 'created_at'])], 'pk_attr': 'id', 'table_description': 'Logins issued together for a class by its class teacher or the school administration.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='IssuedLogin',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('batch', fields.ForeignKeyField('diary.LoginBatch', source_field='batch_id', db_constraint=True, to_field='id', related_name='logins', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('diary.User', source_field='user_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('student', fields.ForeignKeyField('diary.User', source_field='student_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('role', fields.CharEnumField(description='STUDENT: student\nPARENT: parent\nTEACHER: teacher\nSCHOOL_ADMIN: school_admin\nREGIONAL_OFFICIAL: regional_official\nHEALTH_WORKER: health_worker\nCLASS_TEACHER: class_teacher', enum_type=Role, max_length=32)),
                ('login', fields.CharField(max_length=254)),
                ('nonce', fields.CharField(default='', max_length=64)),
                ('issued_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('superseded_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'issued_login', 'app': 'diary', 'indexes': [Index(fields=['user_id', 'issued_at'])], 'pk_attr': 'id', 'table_description': 'One login with a temporary password, issued to one person in a batch.'},
            bases=['Model'],
        ),
    ]
