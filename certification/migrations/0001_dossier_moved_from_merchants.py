"""The certification dossier moves out of merchants (release 0.9): the models take over the
existing tables as they are (state only, nothing in the database changes here); 0002 then gives
the tables their new names. merchants 0008 forgets the models on its side."""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('merchants', '0007_user_sessions'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='Certificate',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('stars', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)], verbose_name='stars')),
                    ('issued_on', models.DateField(verbose_name='issued on')),
                    ('valid_until', models.DateField(verbose_name='valid until')),
                    ('scheme_version', models.CharField(default='KVO 4.0', max_length=20, verbose_name='scheme version')),
                    ('certifying_body', models.CharField(max_length=120, verbose_name='certifying body')),
                    ('withdrawn_on', models.DateField(blank=True, null=True, verbose_name='withdrawn on')),
                    ('document', models.FileField(blank=True, max_length=200, upload_to='', verbose_name='certificate (PDF)')),
                    ('reminded', models.JSONField(default=list, editable=False)),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                    ('area', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='certificates', to='merchants.shoppingarea', verbose_name='area')),
                ],
                options={
                    'verbose_name': 'certificate',
                    'verbose_name_plural': 'certificates',
                    'db_table': 'merchants_certificate',
                    'ordering': ['-issued_on'],
                },
            ),
            migrations.CreateModel(
                name='DossierItem',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('kind', models.CharField(choices=[('inspection', 'Site inspection (schouw)'), ('meeting', 'Meeting'), ('annual_report', 'Annual report'), ('survey', 'Shop-owner survey'), ('safety_analysis', 'Safety analysis')], max_length=20, verbose_name='kind')),
                    ('held_on', models.DateField(verbose_name='date')),
                    ('title', models.CharField(max_length=200, verbose_name='title')),
                    ('notes', models.TextField(blank=True, verbose_name='findings or key results')),
                    ('attendance', models.JSONField(blank=True, default=list, verbose_name='present')),
                    ('document', models.FileField(blank=True, max_length=200, upload_to='', verbose_name='document (PDF)')),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                    ('area', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='dossier_items', to='merchants.shoppingarea', verbose_name='area')),
                    ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'verbose_name': 'dossier item',
                    'verbose_name_plural': 'dossier items',
                    'db_table': 'merchants_dossieritem',
                    'ordering': ['-held_on', '-pk'],
                },
            ),
            migrations.CreateModel(
                name='DossierReminder',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('topic', models.CharField(choices=[('certificate_6', 'Certificate ends within 6 months'), ('certificate_3', 'Certificate ends within 3 months'), ('certificate_1', 'Certificate ends within 1 month'), ('inspection', 'No site inspection this year'), ('annual_report', 'Annual report missing'), ('survey', 'Shop-owner survey due')], max_length=20)),
                    ('period', models.CharField(max_length=20)),
                    ('due_on', models.DateField()),
                    ('sent_to', models.JSONField(default=list, editable=False)),
                    ('sent_at', models.DateTimeField(blank=True, editable=False, null=True)),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                    ('area', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='dossier_reminders', to='merchants.shoppingarea')),
                    ('certificate', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='reminders', to='certification.certificate')),
                ],
                options={
                    'verbose_name': 'dossier reminder',
                    'verbose_name_plural': 'dossier reminders',
                    'db_table': 'merchants_dossierreminder',
                    'ordering': ['-due_on', 'pk'],
                },
            ),
            migrations.CreateModel(
                name='SafetyMeasure',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('measure', models.CharField(max_length=300, verbose_name='measure')),
                    ('theme', models.CharField(choices=[('shoplifting', 'Shoplifting'), ('burglary', 'Burglary'), ('robbery', 'Robbery and aggression'), ('vandalism', 'Vandalism and nuisance'), ('fire', 'Fire safety'), ('environment', 'Lighting, cleanliness and layout'), ('other', 'Other')], max_length=20, verbose_name='theme')),
                    ('owner', models.CharField(max_length=120, verbose_name='owner')),
                    ('status', models.CharField(choices=[('planned', 'Planned'), ('in_progress', 'In progress'), ('done', 'Done'), ('dropped', 'Dropped')], default='planned', max_length=20, verbose_name='status')),
                    ('due_on', models.DateField(verbose_name='due on')),
                    ('updated_at', models.DateTimeField(auto_now=True)),
                    ('area', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='safety_measures', to='merchants.shoppingarea', verbose_name='area')),
                    ('meeting', models.ForeignKey(blank=True, limit_choices_to={'kind': 'meeting'}, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='safety_measures', to='certification.dossieritem', verbose_name='agreed at meeting')),
                ],
                options={
                    'verbose_name': 'matrix item',
                    'verbose_name_plural': 'measures matrix',
                    'db_table': 'merchants_matrixitem',
                    'ordering': ['due_on', 'pk'],
                },
            ),
            migrations.AddConstraint(
                model_name='certificate',
                constraint=models.CheckConstraint(condition=models.Q(('stars__gte', 1), ('stars__lte', 5)), name='certificate_stars_1_to_5'),
            ),
            migrations.AddConstraint(
                model_name='certificate',
                constraint=models.CheckConstraint(condition=models.Q(('valid_until__gt', models.F('issued_on'))), name='certificate_ends_after_issue'),
            ),
            migrations.AddIndex(
                model_name='dossieritem',
                index=models.Index(fields=['area', 'kind', 'held_on'], name='merchants_d_area_id_c443d2_idx'),
            ),
            migrations.AddConstraint(
                model_name='dossierreminder',
                constraint=models.UniqueConstraint(fields=('area', 'topic', 'period'), name='dossier_reminder_once'),
            ),
            ],
            database_operations=[],
        ),
    ]
