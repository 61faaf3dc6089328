from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('diary', '0008_read_path_indexes')]

    initial = False

    operations = [
        ops.CreateModel(
            name='QueryBudget',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key_hash', fields.CharField(unique=True, max_length=64)),
                ('spent', fields.IntField(default=0)),
                ('resets_at', fields.BigIntField()),
                ('granted', fields.BooleanField(default=True)),
            ],
            options={'table': 'query_budget', 'app': 'diary', 'pk_attr': 'id', 'table_description': 'Query points a viewer or a client address spent in the current window.'},
            bases=['Model'],
        ),
    ]
