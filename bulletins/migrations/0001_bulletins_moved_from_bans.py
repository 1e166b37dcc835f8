"""Bulletins move out of the register (release 0.9): the models take over the existing tables as
they are (state only, nothing in the database changes here); 0002 gives the tables their new
names. bans 0010 forgets the models on its side."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('bans', '0010_bulletins_moved_out'),
        ('merchants', '0008_certification_moved_out'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='Bulletin',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('number', models.PositiveIntegerField(verbose_name='edition')),
                    ('trigger', models.CharField(choices=[('decision', 'After a red card'), ('weekly', 'Weekly digest'), ('manual', 'By hand')], max_length=10, verbose_name='made')),
                    ('mode', models.CharField(max_length=10)),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                    ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('partnership', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='merchants.partnership')),
                ],
                options={
                    'db_table': 'bans_bulletin',
                    'ordering': ['-created_at', '-pk'],
                },
            ),
            migrations.CreateModel(
                name='BulletinDelivery',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('email', models.EmailField(blank=True, max_length=254, verbose_name='address')),
                    ('state', models.CharField(choices=[('queued', 'Queued'), ('sending', 'Sending'), ('sent', 'Sent'), ('failed', 'Failed'), ('bounced', 'Bounced'), ('not_sent', 'Not sent')], default='queued', max_length=10, verbose_name='state')),
                    ('reason', models.CharField(blank=True, max_length=300, verbose_name='reason')),
                    ('attempts', models.PositiveSmallIntegerField(default=0)),
                    ('next_attempt_at', models.DateTimeField(blank=True, null=True)),
                    ('claimed_at', models.DateTimeField(blank=True, null=True)),
                    ('sent_at', models.DateTimeField(blank=True, null=True)),
                    ('bulletin', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='deliveries', to='bulletins.bulletin')),
                    ('shop', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='bulletin_deliveries', to='merchants.shop')),
                ],
                options={
                    'db_table': 'bans_bulletindelivery',
                },
            ),
            migrations.CreateModel(
                name='BulletinEntry',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('is_new', models.BooleanField(default=False)),
                    ('position', models.PositiveIntegerField()),
                    ('bulletin', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='entries', to='bulletins.bulletin')),
                    ('measure', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='bans.measure')),
                    ('person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='bans.person')),
                ],
                options={
                    'db_table': 'bans_bulletinentry',
                    'ordering': ['position'],
                },
            ),
            migrations.CreateModel(
                name='BulletinRequest',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('due_at', models.DateTimeField()),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                    ('bulletin', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='bulletins.bulletin')),
                    ('partnership', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='merchants.partnership')),
                ],
                options={
                    'db_table': 'bans_bulletinrequest',
                },
            ),
            migrations.AddConstraint(
                model_name='bulletin',
                constraint=models.UniqueConstraint(fields=('partnership', 'number'), name='bulletin_number'),
            ),
            migrations.AddIndex(
                model_name='bulletindelivery',
                index=models.Index(fields=['state', 'next_attempt_at'], name='bans_bullet_state_f7917b_idx'),
            ),
            migrations.AddConstraint(
                model_name='bulletindelivery',
                constraint=models.UniqueConstraint(fields=('bulletin', 'shop'), name='bulletin_delivery_once'),
            ),
            migrations.AddConstraint(
                model_name='bulletinentry',
                constraint=models.UniqueConstraint(fields=('bulletin', 'person'), name='bulletin_entry_once'),
            ),
            migrations.AddConstraint(
                model_name='bulletinrequest',
                constraint=models.UniqueConstraint(condition=models.Q(('bulletin__isnull', True)), fields=('partnership',), name='bulletinrequest_one_open'),
            ),
            ],
            database_operations=[],
        ),
    ]
