from tortoise import migrations
from tortoise.migrations import operations as ops
from ediary_moscow.models import ApplicationStatus, DocumentKind, RefusalReason
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('diary', '0004_mark_term_index')]

    initial = True

    operations = [
        ops.CreateModel(
            name='DiaryApplication',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('parent', fields.ForeignKeyField('diary.User', source_field='parent_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('school', fields.ForeignKeyField('diary.School', source_field='school_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('student', fields.ForeignKeyField('diary.User', source_field='student_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('child_last_name', fields.CharField(max_length=100)),
                ('child_first_name', fields.CharField(max_length=100)),
                ('child_middle_name', fields.CharField(default='', max_length=100)),
                ('child_birth_date', fields.DateField()),
                ('child_snils', fields.CharField(max_length=11)),
                ('document_kind', fields.CharEnumField(description='BIRTH_CERTIFICATE: birth_certificate\nPASSPORT: passport\nFOREIGN_DOCUMENT: foreign_document', enum_type=DocumentKind, max_length=32)),
                ('document_series', fields.CharField(default='', max_length=16)),
                ('document_number', fields.CharField(max_length=32)),
                ('document_issued_on', fields.DateField()),
                ('document_issued_by', fields.CharField(default='', max_length=300)),
                ('consent_by', fields.ForeignKeyField('diary.User', source_field='consent_by_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('consent_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('consent_version', fields.CharField(max_length=32)),
                ('status', fields.CharEnumField(default=ApplicationStatus.SUBMITTED, description='SUBMITTED: submitted\nAPPROVED: approved\nREFUSED: refused', enum_type=ApplicationStatus, max_length=16)),
                ('filed_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('due_on', fields.DateField()),
                ('reviewed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('reviewed_by', fields.ForeignKeyField('diary.User', source_field='reviewed_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('refusal_reason', fields.CharEnumField(null=True, description='DATA_MISMATCH: data_mismatch\nDOCUMENT_INVALID: document_invalid\nNOT_A_GUARDIAN: not_a_guardian\nDUPLICATE: duplicate\nOTHER: other', enum_type=RefusalReason, max_length=32)),
                ('refusal_comment', fields.TextField(default='', unique=False)),
            ],
            options={'table': 'moscow_diary_application', 'app': 'moscow', 'indexes': [Index(fields=['school_id', 'status', 'due_on'])], 'pk_attr': 'id', 'table_description': 'An application for access to a childs electronic diary, filed by a parent.'},
            bases=['Model'],
        ),
    ]
