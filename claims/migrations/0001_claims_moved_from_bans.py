"""Civil claims move out of the register (release 0.9): the models take over the existing tables as
they are (state only, nothing in the database changes here); 0002 gives the tables their new
names. bans 0009 forgets the models on its side."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('bans', '0009_claims_moved_out'),
        ('incidents', '0002_month_statistics'),
        ('merchants', '0008_certification_moved_out'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='BankImport',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('filename', models.CharField(max_length=200)),
                    ('sha256', models.CharField(max_length=64)),
                    ('entries', models.PositiveIntegerField(default=0)),
                    ('booked', models.PositiveIntegerField(default=0)),
                    ('queued', models.PositiveIntegerField(default=0)),
                    ('known', models.PositiveIntegerField(default=0)),
                    ('imported_at', models.DateTimeField(auto_now_add=True)),
                    ('imported_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('partnership', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='merchants.partnership')),
                ],
                options={
                    'db_table': 'bans_bankimport',
                    'ordering': ['-imported_at'],
                },
            ),
            migrations.CreateModel(
                name='Claim',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('year', models.PositiveSmallIntegerField()),
                    ('sequence', models.PositiveIntegerField()),
                    ('number', models.CharField(max_length=30, unique=True, verbose_name='claim number')),
                    ('payment_reference', models.CharField(max_length=35, unique=True, verbose_name='payment reference')),
                    ('fixed_amount', models.DecimalField(decimal_places=2, max_digits=9, verbose_name='fixed amount')),
                    ('status', models.CharField(choices=[('draft', 'Draft'), ('sent', 'Sent'), ('partially_paid', 'Partially paid'), ('paid', 'Paid'), ('reminded', 'Reminded'), ('collection', 'With the collection agency'), ('written_off', 'Written off'), ('cancelled', 'Cancelled')], default='draft', max_length=20, verbose_name='status')),
                    ('snapshot', models.JSONField(default=dict, editable=False)),
                    ('total', models.DecimalField(decimal_places=2, default=0, max_digits=10, verbose_name='amount claimed')),
                    ('paid', models.DecimalField(decimal_places=2, default=0, max_digits=10, verbose_name='amount paid')),
                    ('email', models.EmailField(blank=True, max_length=254, verbose_name='email address')),
                    ('sent_on', models.DateField(blank=True, null=True, verbose_name='sent on')),
                    ('due_on', models.DateField(blank=True, null=True, verbose_name='due on')),
                    ('letter', models.FileField(blank=True, editable=False, max_length=200, upload_to='')),
                    ('letter_emailed_at', models.DateTimeField(blank=True, editable=False, null=True)),
                    ('handed_over_on', models.DateField(blank=True, null=True, verbose_name='handed over to the agency on')),
                    ('personal_data_removed_at', models.DateTimeField(blank=True, editable=False, null=True)),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                    ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('incident', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='claims', to='incidents.incident')),
                    ('partnership', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='claims', to='merchants.partnership')),
                    ('person', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='claims', to='bans.person')),
                ],
                options={
                    'verbose_name': 'civil claim',
                    'verbose_name_plural': 'civil claims',
                    'db_table': 'bans_claim',
                    'ordering': ['-year', '-sequence'],
                },
            ),
            migrations.CreateModel(
                name='BankTransaction',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('key', models.CharField(max_length=120)),
                    ('booked_on', models.DateField(verbose_name='booking date')),
                    ('amount', models.DecimalField(decimal_places=2, max_digits=10, verbose_name='amount')),
                    ('reference', models.CharField(blank=True, max_length=140, verbose_name='reference')),
                    ('remittance', models.CharField(blank=True, max_length=500, verbose_name='description')),
                    ('counterparty_name', models.CharField(blank=True, max_length=140, verbose_name='from')),
                    ('counterparty_iban', models.CharField(blank=True, max_length=34, verbose_name='from account')),
                    ('state', models.CharField(choices=[('booked', 'Booked'), ('waiting', 'Waiting for a decision'), ('set_aside', 'Set aside')], max_length=10)),
                    ('reason', models.CharField(blank=True, choices=[('unknown', 'The reference matches no claim'), ('partial', 'Less than the amount due'), ('overpaid', 'More than the amount due'), ('closed', 'The claim takes no payments'), ('reversal', 'A reversal: the bank took the money back or returned it'), ('currency', 'Not in euros'), ('refused', 'Could not be booked automatically')], max_length=10)),
                    ('note', models.CharField(blank=True, max_length=300, verbose_name='note')),
                    ('decided_at', models.DateTimeField(blank=True, null=True)),
                    ('bank_import', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='transactions', to='claims.bankimport')),
                    ('decided_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('partnership', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='merchants.partnership')),
                    ('claim', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='bank_transactions', to='claims.claim')),
                ],
                options={
                    'db_table': 'bans_banktransaction',
                    'ordering': ['booked_on', 'pk'],
                },
            ),
            migrations.CreateModel(
                name='ClaimCounter',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('year', models.PositiveSmallIntegerField()),
                    ('last', models.PositiveIntegerField(default=0)),
                    ('partnership', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='merchants.partnership')),
                ],
                options={
                    'db_table': 'bans_claimcounter',
                },
            ),
            migrations.CreateModel(
                name='ClaimEntry',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('kind', models.CharField(choices=[('credit', 'Credit'), ('costs', 'Collection costs')], max_length=10, verbose_name='kind')),
                    ('amount', models.DecimalField(decimal_places=2, max_digits=9, verbose_name='amount')),
                    ('reason', models.CharField(max_length=300, verbose_name='reason')),
                    ('submission_key', models.UUIDField(blank=True, editable=False, null=True, unique=True)),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                    ('claim', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='entries', to='claims.claim')),
                    ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'db_table': 'bans_claimentry',
                    'ordering': ['created_at', 'pk'],
                },
            ),
            migrations.CreateModel(
                name='ClaimLine',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('description', models.CharField(max_length=200, verbose_name='description')),
                    ('amount', models.DecimalField(decimal_places=2, max_digits=9, verbose_name='amount')),
                    ('claim', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='lines', to='claims.claim')),
                ],
                options={
                    'db_table': 'bans_claimline',
                },
            ),
            migrations.CreateModel(
                name='ClaimPayment',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('amount', models.DecimalField(decimal_places=2, max_digits=10, verbose_name='amount')),
                    ('paid_on', models.DateField(verbose_name='paid on')),
                    ('method', models.CharField(choices=[('bank', 'Bank transfer'), ('cash', 'Cash'), ('card', 'Card payment'), ('agency', 'Through the collection agency')], max_length=10, verbose_name='method')),
                    ('costs_part', models.DecimalField(decimal_places=2, max_digits=10)),
                    ('damage_part', models.DecimalField(decimal_places=2, max_digits=10)),
                    ('fixed_part', models.DecimalField(decimal_places=2, max_digits=10)),
                    ('shop_amount', models.DecimalField(decimal_places=2, max_digits=10)),
                    ('admin_amount', models.DecimalField(decimal_places=2, max_digits=10)),
                    ('fund_amount', models.DecimalField(decimal_places=2, max_digits=10)),
                    ('note', models.CharField(blank=True, max_length=300, verbose_name='note')),
                    ('submission_key', models.UUIDField(blank=True, editable=False, null=True, unique=True)),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                    ('bank_transaction', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='payment', to='claims.banktransaction')),
                    ('claim', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='payments', to='claims.claim')),
                    ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'db_table': 'bans_claimpayment',
                    'ordering': ['paid_on', 'pk'],
                },
            ),
            migrations.CreateModel(
                name='ClaimReminder',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('sent_on', models.DateField()),
                    ('posted_on', models.DateField(blank=True, null=True)),
                    ('due_on', models.DateField(blank=True, null=True)),
                    ('announced_costs', models.DecimalField(decimal_places=2, max_digits=9)),
                    ('snapshot', models.JSONField(default=dict, editable=False)),
                    ('pdf', models.FileField(blank=True, editable=False, max_length=200, upload_to='')),
                    ('emailed_at', models.DateTimeField(blank=True, editable=False, null=True)),
                    ('costs_added_on', models.DateField(blank=True, null=True)),
                    ('claim', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='reminder', to='claims.claim')),
                ],
                options={
                    'db_table': 'bans_claimreminder',
                },
            ),
            migrations.CreateModel(
                name='ClaimStatusChange',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('old_status', models.CharField(blank=True, choices=[('draft', 'Draft'), ('sent', 'Sent'), ('partially_paid', 'Partially paid'), ('paid', 'Paid'), ('reminded', 'Reminded'), ('collection', 'With the collection agency'), ('written_off', 'Written off'), ('cancelled', 'Cancelled')], max_length=20)),
                    ('new_status', models.CharField(choices=[('draft', 'Draft'), ('sent', 'Sent'), ('partially_paid', 'Partially paid'), ('paid', 'Paid'), ('reminded', 'Reminded'), ('collection', 'With the collection agency'), ('written_off', 'Written off'), ('cancelled', 'Cancelled')], max_length=20)),
                    ('note', models.CharField(blank=True, max_length=300)),
                    ('changed_at', models.DateTimeField(auto_now_add=True)),
                    ('changed_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('claim', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='history', to='claims.claim')),
                ],
                options={
                    'db_table': 'bans_claimstatuschange',
                    'ordering': ['changed_at', 'pk'],
                },
            ),
            migrations.AddConstraint(
                model_name='bankimport',
                constraint=models.UniqueConstraint(fields=('partnership', 'sha256'), name='bankimport_once'),
            ),
            migrations.AddIndex(
                model_name='claim',
                index=models.Index(fields=['partnership', 'status', 'due_on'], name='bans_claim_partner_3fcdf2_idx'),
            ),
            migrations.AddConstraint(
                model_name='claim',
                constraint=models.UniqueConstraint(fields=('partnership', 'year', 'sequence'), name='claim_number_unique'),
            ),
            migrations.AddConstraint(
                model_name='claim',
                constraint=models.CheckConstraint(condition=models.Q(('fixed_amount__gte', 0)), name='claim_amount_positive'),
            ),
            migrations.AddConstraint(
                model_name='claim',
                constraint=models.CheckConstraint(condition=models.Q(('paid__gte', 0), ('paid__lte', models.F('total'))), name='claim_paid_within_total'),
            ),
            migrations.AddConstraint(
                model_name='claim',
                constraint=models.UniqueConstraint(condition=models.Q(('status', 'cancelled'), _negated=True), fields=('incident', 'person'), name='claim_once_per_case_and_person'),
            ),
            migrations.AddConstraint(
                model_name='banktransaction',
                constraint=models.UniqueConstraint(fields=('partnership', 'key'), name='banktransaction_once'),
            ),
            migrations.AddConstraint(
                model_name='claimcounter',
                constraint=models.UniqueConstraint(fields=('partnership', 'year'), name='claimcounter_unique'),
            ),
            migrations.AddConstraint(
                model_name='claimentry',
                constraint=models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='claimentry_amount_positive'),
            ),
            migrations.AddConstraint(
                model_name='claimentry',
                constraint=models.UniqueConstraint(condition=models.Q(('kind', 'costs')), fields=('claim',), name='claimentry_costs_once'),
            ),
            migrations.AddConstraint(
                model_name='claimline',
                constraint=models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='claimline_amount_positive'),
            ),
            migrations.AddIndex(
                model_name='claimpayment',
                index=models.Index(fields=['paid_on'], name='bans_claimp_paid_on_32ddc1_idx'),
            ),
            migrations.AddConstraint(
                model_name='claimpayment',
                constraint=models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='claimpayment_positive'),
            ),
            ],
            database_operations=[],
        ),
    ]
