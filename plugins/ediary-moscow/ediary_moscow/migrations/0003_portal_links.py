from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    """Guardianships made from the portal's children list, so a child it drops is unlinked."""

    dependencies = [('diary', '0011_absence_notices'), ('moscow', '0002_match_on_review')]

    initial = False

    operations = [
        ops.CreateModel(
            name='PortalLink',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('parent', fields.ForeignKeyField('diary.User', source_field='parent_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('student', fields.ForeignKeyField('diary.User', source_field='student_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('linked_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'moscow_portal_link', 'app': 'moscow', 'unique_together': (('parent', 'student'),), 'pk_attr': 'id', 'table_description': 'A guardianship made at a portal login because the portal listed the child.'},
            bases=['Model'],
        ),
    ]
