"""The claim settings and the bulletin mode are rows of their own apps since release 0.9
(claims.ClaimSettings, bulletins.BulletinSettings). Their migrations copy the values first
(they run before this one); then the partnership lets go of its fields."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('merchants', '0008_certification_moved_out'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='partnership',
            name='partnership_claim_shares_at_most_100',
        ),
        migrations.RemoveField(
            model_name='partnership',
            name='bulletin_mode',
        ),
        migrations.RemoveField(
            model_name='partnership',
            name='claim_admin_percent',
        ),
        migrations.RemoveField(
            model_name='partnership',
            name='claim_beneficiary',
        ),
        migrations.RemoveField(
            model_name='partnership',
            name='claim_due_days',
        ),
        migrations.RemoveField(
            model_name='partnership',
            name='claim_fixed_amount',
        ),
        migrations.RemoveField(
            model_name='partnership',
            name='claim_iban',
        ),
        migrations.RemoveField(
            model_name='partnership',
            name='claim_reminder_days',
        ),
        migrations.RemoveField(
            model_name='partnership',
            name='claim_shop_percent',
        ),
    ]
