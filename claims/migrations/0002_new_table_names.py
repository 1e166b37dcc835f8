"""The claims' tables get their own app's names, and what named the models or their actions by
the register follows: content types with their permissions, the object type of audit events and
deletion-ledger rows, and the audit log's action names."""

from django.db import migrations

from merchants.moves import model_move

MODELS = {
    name: name
    for name in (
        "bankimport",
        "banktransaction",
        "claim",
        "claimcounter",
        "claimentry",
        "claimline",
        "claimpayment",
        "claimreminder",
        "claimstatuschange",
    )
}
ACTIONS = {
    **{
        f"bans.claim.{verb}": f"claims.claim.{verb}"
        for verb in (
            "created",
            "cancelled",
            "sent",
            "credited",
            "written_off",
            "paid",
            "viewed",
            "letter_printed",
            "reminded",
            "reminder_posted",
            "to_collection",
        )
    },
    "bans.claims.bank_import": "claims.bank.imported",
    "bans.claims.set_aside": "claims.bank.set_aside",
    "bans.claims.exported": "claims.books.exported",
    "bans.claims.collection_exported": "claims.books.collection_exported",
    "bans.claims.settings_changed": "claims.settings.changed",
}


forward, backward = model_move("bans", "claims", MODELS, ACTIONS)


class Migration(migrations.Migration):

    dependencies = [
        ('claims', '0001_claims_moved_from_bans'),
        ('bans', '0009_claims_moved_out'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('auth', '0012_alter_user_first_name_max_length'),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.RenameIndex(
            model_name='claim',
            new_name='claims_clai_partner_c8af6b_idx',
            old_name='bans_claim_partner_3fcdf2_idx',
        ),
        migrations.RenameIndex(
            model_name='claimpayment',
            new_name='claims_clai_paid_on_b035bb_idx',
            old_name='bans_claimp_paid_on_32ddc1_idx',
        ),
        migrations.AlterModelTable(
            name='bankimport',
            table=None,
        ),
        migrations.AlterModelTable(
            name='banktransaction',
            table=None,
        ),
        migrations.AlterModelTable(
            name='claim',
            table=None,
        ),
        migrations.AlterModelTable(
            name='claimcounter',
            table=None,
        ),
        migrations.AlterModelTable(
            name='claimentry',
            table=None,
        ),
        migrations.AlterModelTable(
            name='claimline',
            table=None,
        ),
        migrations.AlterModelTable(
            name='claimpayment',
            table=None,
        ),
        migrations.AlterModelTable(
            name='claimreminder',
            table=None,
        ),
        migrations.AlterModelTable(
            name='claimstatuschange',
            table=None,
        ),
    ]
