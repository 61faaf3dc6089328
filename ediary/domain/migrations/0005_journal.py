from tortoise import migrations
from tortoise.migrations import operations as ops
from ediary.domain.enums import MarkAction, NotifyMode, OutboxStatus
from ediary.domain.models.fields import ClockTimeField
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('diary', '0004_mark_term_index')]

    initial = False

    operations = [
        ops.CreateModel(
            name='MarkBatch',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharField(max_length=100)),
                ('author', fields.ForeignKeyField('diary.User', source_field='author_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('mark_ids', fields.TextField(default='', unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'mark_batch', 'app': 'diary', 'unique_together': (('author', 'key'),), 'pk_attr': 'id', 'table_description': 'A batch of marks a teacher submitted under an idempotency key, so a repeat is refused.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MarkEvent',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('seq', fields.BigIntField(unique=True)),
                ('mark', fields.ForeignKeyField('diary.Mark', source_field='mark_id', db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.RESTRICT)),
                ('action', fields.CharEnumField(description='CREATE: create\nCORRECT: correct\nDELETE: delete', enum_type=MarkAction, max_length=16)),
                ('actor', fields.ForeignKeyField('diary.User', source_field='actor_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('student_id', fields.IntField()),
                ('subject_id', fields.IntField()),
                ('lesson_id', fields.IntField(null=True)),
                ('date', fields.DateField()),
                ('old_value', fields.SmallIntField(null=True)),
                ('new_value', fields.SmallIntField()),
                ('old_weight', fields.SmallIntField(null=True)),
                ('new_weight', fields.SmallIntField()),
                ('old_kind', fields.CharField(null=True, max_length=16)),
                ('new_kind', fields.CharField(max_length=16)),
                ('old_comment', fields.CharField(null=True, max_length=500)),
                ('new_comment', fields.CharField(max_length=500)),
                ('reason', fields.CharField(default='', max_length=500)),
                ('prev_hash', fields.CharField(max_length=64)),
                ('hash', fields.CharField(unique=True, max_length=64)),
            ],
            options={'table': 'mark_event', 'app': 'diary', 'indexes': [Index(fields=['mark_id', 'seq'])], 'pk_attr': 'id', 'table_description': 'One change of a mark, chained to the previous event by a SHA-256 hash.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='NotificationPreference',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('parent', fields.ForeignKeyField('diary.User', source_field='parent_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('student', fields.ForeignKeyField('diary.User', source_field='student_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('mode', fields.CharEnumField(default=NotifyMode.INSTANT, description='INSTANT: instant\nDIGEST: digest\nOFF: off', enum_type=NotifyMode, max_length=16)),
                ('digest_hour', fields.SmallIntField(default=19)),
                ('quiet_from', ClockTimeField(null=True)),
                ('quiet_to', ClockTimeField(null=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'notification_preference', 'app': 'diary', 'unique_together': (('parent', 'student'),), 'pk_attr': 'id', 'table_description': 'How a parent wants to hear about one child, and when not to be disturbed.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OutboxMessage',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharField(unique=True, max_length=200)),
                ('channel', fields.CharField(max_length=32)),
                ('address', fields.CharField(max_length=254)),
                ('subject', fields.CharField(max_length=200)),
                ('text', fields.TextField(unique=False)),
                ('recipient', fields.ForeignKeyField('diary.User', source_field='recipient_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('student_id', fields.IntField(null=True)),
                ('status', fields.CharEnumField(default=OutboxStatus.PENDING, description='PENDING: pending\nHELD: held\nDIGESTED: digested\nSENT: sent\nFAILED: failed', enum_type=OutboxStatus, max_length=16)),
                ('due_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('attempts', fields.SmallIntField(default=0)),
                ('claimed_by', fields.CharField(null=True, max_length=64)),
                ('claimed_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_error', fields.CharField(default='', max_length=500)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'outbox_message', 'app': 'diary', 'indexes': [Index(fields=['status', 'due_at'])], 'pk_attr': 'id', 'table_description': 'A message to one address through one channel, written with the change it reports.'},
            bases=['Model'],
        ),
    ]
