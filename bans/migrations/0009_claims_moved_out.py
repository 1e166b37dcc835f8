"""Civil claims are an app of their own since release 0.9 (claims 0001 takes over these models
with their tables): the register forgets them, in its state only."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('bans', '0008_bulletins'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.RemoveField(
                model_name='banktransaction',
                name='bank_import',
            ),
            migrations.RemoveField(
                model_name='banktransaction',
                name='claim',
            ),
            migrations.RemoveField(
                model_name='banktransaction',
                name='decided_by',
            ),
            migrations.RemoveField(
                model_name='banktransaction',
                name='partnership',
            ),
            migrations.RemoveField(
                model_name='claimpayment',
                name='bank_transaction',
            ),
            migrations.RemoveField(
                model_name='claim',
                name='created_by',
            ),
            migrations.RemoveField(
                model_name='claim',
                name='incident',
            ),
            migrations.RemoveField(
                model_name='claim',
                name='partnership',
            ),
            migrations.RemoveField(
                model_name='claim',
                name='person',
            ),
            migrations.RemoveField(
                model_name='claimline',
                name='claim',
            ),
            migrations.RemoveField(
                model_name='claimentry',
                name='claim',
            ),
            migrations.RemoveField(
                model_name='claimpayment',
                name='claim',
            ),
            migrations.RemoveField(
                model_name='claimstatuschange',
                name='claim',
            ),
            migrations.RemoveField(
                model_name='claimreminder',
                name='claim',
            ),
            migrations.RemoveField(
                model_name='claimcounter',
                name='partnership',
            ),
            migrations.RemoveField(
                model_name='claimentry',
                name='created_by',
            ),
            migrations.RemoveField(
                model_name='claimpayment',
                name='created_by',
            ),
            migrations.RemoveField(
                model_name='claimstatuschange',
                name='changed_by',
            ),
            migrations.DeleteModel(
                name='BankImport',
            ),
            migrations.DeleteModel(
                name='BankTransaction',
            ),
            migrations.DeleteModel(
                name='ClaimLine',
            ),
            migrations.DeleteModel(
                name='Claim',
            ),
            migrations.DeleteModel(
                name='ClaimReminder',
            ),
            migrations.DeleteModel(
                name='ClaimCounter',
            ),
            migrations.DeleteModel(
                name='ClaimEntry',
            ),
            migrations.DeleteModel(
                name='ClaimPayment',
            ),
            migrations.DeleteModel(
                name='ClaimStatusChange',
            ),
            ],
            database_operations=[],
        ),
    ]
