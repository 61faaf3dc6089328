from tortoise import migrations
from tortoise.migrations import operations as ops
from ediary.domain.enums import AnnouncementKind, Audience, MeetingAnswer
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('diary', '0005_journal')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Announcement',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('audience', fields.CharEnumField(description='SCHOOL: school\nCLASS: class\nBLOG: blog', enum_type=Audience, max_length=16)),
                ('kind', fields.CharEnumField(default=AnnouncementKind.NEWS, description='NEWS: news\nQUARANTINE: quarantine\nCOMPETITION: competition\nSCHEDULE_CHANGE: schedule_change', enum_type=AnnouncementKind, max_length=16)),
                ('school', fields.ForeignKeyField('diary.School', source_field='school_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('school_class', fields.ForeignKeyField('diary.SchoolClass', source_field='school_class_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('author', fields.ForeignKeyField('diary.User', source_field='author_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('title', fields.CharField(max_length=200)),
                ('text', fields.TextField(unique=False)),
                ('published_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('withdrawn_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'announcement', 'app': 'diary', 'indexes': [Index(fields=['school_id', 'published_at']), Index(fields=['school_class_id', 'published_at']), Index(fields=['author_id', 'published_at'])], 'pk_attr': 'id', 'table_description': "News of a school or a class, or an entry of a teacher's blog."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AnnouncementAttachment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('filename', fields.CharField(max_length=255)),
                ('content_type', fields.CharField(max_length=100)),
                ('size', fields.IntField()),
                ('storage_key', fields.CharField(unique=True, max_length=128)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('announcement', fields.ForeignKeyField('diary.Announcement', source_field='announcement_id', db_constraint=True, to_field='id', related_name='attachments', on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'announcement_attachment', 'app': 'diary', 'pk_attr': 'id', 'table_description': 'A file attached to an announcement or blog entry.'},
            bases=['StoredFile'],
        ),
        ops.CreateModel(
            name='Meeting',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('audience', fields.CharEnumField(description='SCHOOL: school\nCLASS: class\nBLOG: blog', enum_type=Audience, max_length=16)),
                ('school', fields.ForeignKeyField('diary.School', source_field='school_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('school_class', fields.ForeignKeyField('diary.SchoolClass', source_field='school_class_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('author', fields.ForeignKeyField('diary.User', source_field='author_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('title', fields.CharField(max_length=200)),
                ('starts_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ends_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('place', fields.CharField(default='', max_length=300)),
                ('online_url', fields.CharField(default='', max_length=2000)),
                ('agenda', fields.TextField(unique=False)),
                ('minutes', fields.TextField(default='', unique=False)),
                ('minutes_added_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'meeting', 'app': 'diary', 'indexes': [Index(fields=['school_id', 'starts_at']), Index(fields=['school_class_id', 'starts_at'])], 'pk_attr': 'id', 'table_description': 'A parent-teacher meeting of a class or a meeting of the whole school.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MeetingReply',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('meeting', fields.ForeignKeyField('diary.Meeting', source_field='meeting_id', db_constraint=True, to_field='id', related_name='replies', on_delete=OnDelete.CASCADE)),
                ('parent', fields.ForeignKeyField('diary.User', source_field='parent_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('student', fields.ForeignKeyField('diary.User', source_field='student_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('answer', fields.CharEnumField(description='WILL_ATTEND: will_attend\nCANNOT_ATTEND: cannot_attend', enum_type=MeetingAnswer, max_length=16)),
                ('answered_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'meeting_reply', 'app': 'diary', 'unique_together': (('meeting', 'parent', 'student'),), 'pk_attr': 'id', 'table_description': "A parent's answer to a meeting, for one of their children it concerns."},
            bases=['Model'],
        ),
    ]
