"""A row of bulletin settings per partnership, copied from the mode the partnership had until
release 0.9; merchants 0009 removes that field after this ran."""

import django.db.models.deletion
from django.db import migrations, models


def copy_from_partnerships(apps, schema_editor):
    partnership = apps.get_model("merchants", "Partnership")
    settings = apps.get_model("bulletins", "BulletinSettings")
    settings.objects.bulk_create(
        settings(partnership=p, mode=p.bulletin_mode) for p in partnership.objects.all()
    )


def copy_back(apps, schema_editor):
    settings = apps.get_model("bulletins", "BulletinSettings")
    for row in settings.objects.select_related("partnership"):
        row.partnership.bulletin_mode = row.mode
        row.partnership.save(update_fields=["bulletin_mode"])


class Migration(migrations.Migration):

    dependencies = [
        ('bulletins', '0002_new_table_names'),
        ('merchants', '0008_certification_moved_out'),
    ]

    # Copy before the partnership loses the field (merchants need not know about bulletins).
    run_before = [("merchants", "0009_claim_and_bulletin_settings_moved_out")]

    operations = [
        migrations.CreateModel(
            name='BulletinSettings',
            fields=[
                ('partnership', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='bulletin_settings', serialize=False, to='merchants.partnership')),
                ('mode', models.CharField(choices=[('link', 'Link to the bulletin (no photos in the email)'), ('inline', 'Watermarked photos in the email')], default='link', max_length=10, verbose_name='bulletin delivery')),
            ],
            options={
                'verbose_name': 'bulletin settings',
                'verbose_name_plural': 'bulletin settings',
            },
        ),
        migrations.RunPython(copy_from_partnerships, copy_back),
    ]
