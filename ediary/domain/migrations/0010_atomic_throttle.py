from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

# Throttle counters move from stored datetimes to Unix seconds, so that one statement can count
# and compare them alike in SQLite and PostgreSQL. They only live for minutes: the table is
# made afresh rather than converted (a new NOT NULL column cannot be added to SQLite's).


class Migration(migrations.Migration):
    dependencies = [('diary', '0009_query_budget')]

    initial = False

    operations = [
        ops.DeleteModel(name='RateLimit'),
        ops.CreateModel(
            name='RateLimit',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('scope', fields.CharField(max_length=64)),
                ('key_hash', fields.CharField(max_length=64)),
                ('attempts', fields.IntField(default=0)),
                ('resets_at', fields.BigIntField()),
            ],
            options={'table': 'rate_limit', 'app': 'diary', 'unique_together': (('scope', 'key_hash'),), 'pk_attr': 'id', 'table_description': 'Attempts counted per scope and key, to slow down guessing and floods.'},
            bases=['Model'],
        ),
    ]
