from tortoise import migrations
from tortoise.migrations import operations as ops
from ediary.domain.enums import ConversationKind
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('diary', '0006_school_life')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AckRequest',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('school_class', fields.ForeignKeyField('diary.SchoolClass', source_field='school_class_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('author', fields.ForeignKeyField('diary.User', source_field='author_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('title', fields.CharField(max_length=200)),
                ('text', fields.TextField(unique=False)),
                ('text_sha256', fields.CharField(max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'ack_request', 'app': 'diary', 'indexes': [Index(fields=['school_class_id', 'id'])], 'pk_attr': 'id', 'table_description': 'A message of the class teacher that parents must acknowledge, such as a trip consent.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AckTarget',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('request', fields.ForeignKeyField('diary.AckRequest', source_field='request_id', db_constraint=True, to_field='id', related_name='targets', on_delete=OnDelete.CASCADE)),
                ('student', fields.ForeignKeyField('diary.User', source_field='student_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'ack_target', 'app': 'diary', 'unique_together': (('request', 'student'),), 'pk_attr': 'id', 'table_description': 'A student whose parents are asked to acknowledge a request.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Conversation',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharEnumField(description='DIRECT: direct\nCLASS_GROUP: class_group', enum_type=ConversationKind, max_length=16)),
                ('unique_key', fields.CharField(null=True, unique=True, max_length=100)),
                ('school_class', fields.ForeignKeyField('diary.SchoolClass', source_field='school_class_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('student', fields.ForeignKeyField('diary.User', source_field='student_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('parent', fields.ForeignKeyField('diary.User', source_field='parent_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('teacher', fields.ForeignKeyField('diary.User', source_field='teacher_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('activity_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('closed_by', fields.ForeignKeyField('diary.User', source_field='closed_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'conversation', 'app': 'diary', 'indexes': [Index(fields=['parent_id', 'activity_at']), Index(fields=['teacher_id', 'activity_at'])], 'pk_attr': 'id', 'table_description': 'A thread: one parent and one teacher about a child, or the group of a class.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ConversationMessage',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('conversation', fields.ForeignKeyField('diary.Conversation', source_field='conversation_id', db_constraint=True, to_field='id', related_name='messages', on_delete=OnDelete.CASCADE)),
                ('author', fields.ForeignKeyField('diary.User', source_field='author_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('text', fields.TextField(unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'conversation_message', 'app': 'diary', 'indexes': [Index(fields=['conversation_id', 'id'])], 'pk_attr': 'id', 'table_description': 'A message of plain text, kept exactly as written and never rendered as HTML.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ConversationRead',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('conversation', fields.ForeignKeyField('diary.Conversation', source_field='conversation_id', db_constraint=True, to_field='id', related_name='reads', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('diary.User', source_field='user_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('last_read_message_id', fields.IntField()),
                ('read_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'conversation_read', 'app': 'diary', 'unique_together': (('conversation', 'user'),), 'pk_attr': 'id', 'table_description': 'How far a participant has read a thread: the read receipt of every earlier message.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SigningKey',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('owner', fields.ForeignKeyField('diary.User', source_field='owner_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('public_key', fields.CharField(max_length=64)),
                ('fingerprint', fields.CharField(unique=True, max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'signing_key', 'app': 'diary', 'indexes': [Index(fields=['owner_id', 'revoked_at'])], 'pk_attr': 'id', 'table_description': "A parent's Ed25519 public key, which their acknowledgements are signed with."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Acknowledgement',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('request', fields.ForeignKeyField('diary.AckRequest', source_field='request_id', db_constraint=True, to_field='id', related_name='acknowledgements', on_delete=OnDelete.CASCADE)),
                ('student', fields.ForeignKeyField('diary.User', source_field='student_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('parent', fields.ForeignKeyField('diary.User', source_field='parent_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('acknowledged_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('signed_payload', fields.TextField(null=True, unique=False)),
                ('public_key', fields.CharField(null=True, max_length=64)),
                ('signature', fields.CharField(null=True, max_length=128)),
                ('signing_key', fields.ForeignKeyField('diary.SigningKey', source_field='signing_key_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'acknowledgement', 'app': 'diary', 'unique_together': (('request', 'student', 'parent'),), 'pk_attr': 'id', 'table_description': "A parent's acknowledgement of a request for one child, signed when they hold a key."},
            bases=['Model'],
        ),
    ]
