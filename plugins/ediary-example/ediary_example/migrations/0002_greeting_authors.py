from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    """Greetings remember who stored them, for the plugin's access rules."""

    dependencies = [('diary', '0011_absence_notices'), ('example', '0001_greetings')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Greeting',
            name='author',
            field=fields.ForeignKeyField('diary.User', source_field='author_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL),
        ),
    ]
