"""Bulletins are an app of their own since release 0.9 (bulletins 0001 takes over these models
with their tables): the register forgets them, in its state only."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('bans', '0009_claims_moved_out'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.RemoveField(
                model_name='bulletinentry',
                name='bulletin',
            ),
            migrations.RemoveField(
                model_name='bulletinrequest',
                name='bulletin',
            ),
            migrations.RemoveField(
                model_name='bulletindelivery',
                name='bulletin',
            ),
            migrations.RemoveField(
                model_name='bulletindelivery',
                name='shop',
            ),
            migrations.RemoveField(
                model_name='bulletinentry',
                name='measure',
            ),
            migrations.RemoveField(
                model_name='bulletinentry',
                name='person',
            ),
            migrations.RemoveField(
                model_name='bulletinrequest',
                name='partnership',
            ),
            migrations.DeleteModel(
                name='Bulletin',
            ),
            migrations.DeleteModel(
                name='BulletinDelivery',
            ),
            migrations.DeleteModel(
                name='BulletinEntry',
            ),
            migrations.DeleteModel(
                name='BulletinRequest',
            ),
            ],
            database_operations=[],
        ),
    ]
