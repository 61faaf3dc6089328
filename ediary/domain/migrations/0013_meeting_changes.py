from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('diary', '0012_planned_work')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Meeting',
            name='cancelled_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Meeting',
            name='cancel_reason',
            field=fields.CharField(default='', max_length=500),
        ),
        ops.AddField(
            model_name='Meeting',
            name='moved_from',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
