from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('diary', '0017_term_remarks')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Session',
            name='write_lsn',
            field=fields.BigIntField(null=True),
        ),
    ]
