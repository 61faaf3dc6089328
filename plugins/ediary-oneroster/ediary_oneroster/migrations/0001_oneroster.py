from tortoise import migrations
from tortoise.migrations import operations as ops
from ediary_oneroster.models import JobStatus
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('diary', '0004_mark_term_index')]

    initial = True

    operations = [
        ops.CreateModel(
            name='SourceLink',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharField(max_length=32)),
                ('sourced_id', fields.CharField(max_length=255)),
                ('scope', fields.CharField(default='', max_length=255)),
                ('core_id', fields.IntField(null=True)),
                ('extra', fields.JSONField(null=True)),
            ],
            options={'table': 'oneroster_source_link', 'app': 'oneroster', 'unique_together': (('kind', 'sourced_id', 'scope'),), 'indexes': (('kind', 'core_id'),), 'pk_attr': 'id', 'table_description': 'Which diary object a OneRoster sourcedId was imported into, per school where needed.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Demographic',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.OneToOneField('diary.User', source_field='user_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('birth_date', fields.DateField(null=True)),
                ('sex', fields.CharField(default='', max_length=16)),
            ],
            options={'table': 'oneroster_demographic', 'app': 'oneroster', 'pk_attr': 'id', 'table_description': 'Birth date and sex of an account, from demographics.csv.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ImportJob',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('school', fields.ForeignKeyField('diary.School', source_field='school_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('requested_by', fields.ForeignKeyField('diary.User', source_field='requested_by_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('dry_run', fields.BooleanField(default=False)),
                ('status', fields.CharEnumField(default=JobStatus.QUEUED, description='QUEUED: queued\nRUNNING: running\nSUCCEEDED: succeeded\nFAILED: failed', enum_type=JobStatus, max_length=16)),
                ('rows_done', fields.IntField(default=0)),
                ('rows_total', fields.IntField(default=0)),
                ('report', fields.JSONField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('finished_at', fields.DatetimeField(null=True)),
            ],
            options={'table': 'oneroster_import_job', 'app': 'oneroster', 'pk_attr': 'id', 'table_description': 'An import started from the API, run in the background, and its report.'},
            bases=['Model'],
        ),
    ]
