from tortoise import migrations
from tortoise.migrations import operations as ops
from ediary.domain.enums import AccountEventKind
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('diary', '0014_phone_codes')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AccountEvent',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('diary.User', source_field='user_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='LOGIN_ISSUED: login_issued\nLOGIN_REISSUED: login_reissued\nPASSWORD_CHANGED: password_changed\nPASSWORD_RESET: password_reset\nLOGIN_METHOD_LINKED: login_method_linked\nLOGIN_METHOD_UNLINKED: login_method_unlinked', enum_type=AccountEventKind, max_length=32)),
                ('method', fields.CharField(default='', max_length=64)),
                ('actor', fields.ForeignKeyField('diary.User', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'account_event', 'app': 'diary', 'indexes': [Index(fields=['user_id', 'at'])], 'pk_attr': 'id', 'table_description': 'A change to the ways into an account (a login issued or re-issued, a password changed,'},
            bases=['Model'],
        ),
    ]
