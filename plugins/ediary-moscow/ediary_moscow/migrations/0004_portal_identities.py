from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields


class Migration(migrations.Migration):
    """The portal login of an account (subject and SNILS), so that one account has several
    ways in. Nothing stored the subject before: an account the portal made is found by its
    SNILS at its next portal login, which records the subject then."""

    dependencies = [('moscow', '0003_portal_links')]

    initial = False

    operations = [
        ops.CreateModel(
            name='PortalIdentity',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.OneToOneField('diary.User', source_field='user_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('subject', fields.CharField(unique=True, max_length=255)),
                ('snils', fields.CharField(max_length=11)),
                ('linked_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'moscow_portal_identity', 'app': 'moscow', 'pk_attr': 'id', 'table_description': 'The portal login of an account: its subject, and the SNILS the portal vouched for.'},
            bases=['Model'],
        ),
    ]
