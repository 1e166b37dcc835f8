"""A row of claim settings per partnership, copied from the fields the partnership had until
release 0.9; merchants 0009 removes those fields after this ran."""

import django.core.validators
import django.db.models.deletion
import django.db.models.expressions
import plumbing.epc
from decimal import Decimal
from django.db import migrations, models


FIELDS = (
    "fixed_amount",
    "due_days",
    "reminder_days",
    "beneficiary",
    "iban",
    "shop_percent",
    "admin_percent",
)


def copy_from_partnerships(apps, schema_editor):
    partnership = apps.get_model("merchants", "Partnership")
    settings = apps.get_model("claims", "ClaimSettings")
    settings.objects.bulk_create(
        settings(partnership=p, **{name: getattr(p, f"claim_{name}") for name in FIELDS})
        for p in partnership.objects.all()
    )


def copy_back(apps, schema_editor):
    settings = apps.get_model("claims", "ClaimSettings")
    for row in settings.objects.select_related("partnership"):
        for name in FIELDS:
            setattr(row.partnership, f"claim_{name}", getattr(row, name))
        row.partnership.save(update_fields=[f"claim_{name}" for name in FIELDS])


class Migration(migrations.Migration):

    dependencies = [
        ('claims', '0002_new_table_names'),
        ('merchants', '0008_certification_moved_out'),
    ]

    # Copy before the partnership loses the fields (merchants need not know about claims).
    run_before = [("merchants", "0009_claim_and_bulletin_settings_moved_out")]

    operations = [
        migrations.CreateModel(
            name='ClaimSettings',
            fields=[
                ('partnership', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='claim_settings', serialize=False, to='merchants.partnership')),
                ('fixed_amount', models.DecimalField(decimal_places=2, default=Decimal('181.00'), max_digits=8, validators=[django.core.validators.MinValueValidator(Decimal('0.00'))], verbose_name='fixed civil claim (EUR)')),
                ('due_days', models.PositiveSmallIntegerField(default=15, validators=[django.core.validators.MinValueValidator(7)], verbose_name='days to pay a claim')),
                ('reminder_days', models.PositiveSmallIntegerField(default=14, validators=[django.core.validators.MinValueValidator(14)], verbose_name='days to pay after a reminder')),
                ('beneficiary', models.CharField(blank=True, help_text='The partnership or the collecting foundation, as the bank knows it.', max_length=70, verbose_name='claims paid to (name)')),
                ('iban', models.CharField(blank=True, max_length=34, validators=[plumbing.epc.validate_iban], verbose_name='claims paid to (IBAN)')),
                ('shop_percent', models.DecimalField(decimal_places=2, default=Decimal('50.00'), max_digits=5, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('100'))], verbose_name="shop's share of the fixed amount (%)")),
                ('admin_percent', models.DecimalField(decimal_places=2, default=Decimal('25.00'), max_digits=5, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('100'))], verbose_name='administration fee (% of the fixed amount)')),
            ],
            options={
                'verbose_name': 'claim settings',
                'verbose_name_plural': 'claim settings',
                'constraints': [models.CheckConstraint(condition=models.Q(('shop_percent__lte', django.db.models.expressions.CombinedExpression(models.Value(Decimal('100')), '-', models.F('admin_percent')))), name='claimsettings_shares_at_most_100')],
            },
        ),
        migrations.RunPython(copy_from_partnerships, copy_back),
    ]
