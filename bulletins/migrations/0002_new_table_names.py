"""The bulletins' tables get their own app's names, and what named the models or their actions by
the register follows: content types with their permissions, the object type of audit events and
deletion-ledger rows, and the audit log's action names."""

from django.db import migrations

from merchants.moves import model_move

MODELS = {
    name: name for name in ("bulletin", "bulletindelivery", "bulletinentry", "bulletinrequest")
}
ACTIONS = {
    f"bans.bulletin.{verb}": f"bulletins.bulletin.{verb}"
    for verb in ("made", "retried", "viewed", "printed")
}


forward, backward = model_move("bans", "bulletins", MODELS, ACTIONS)


class Migration(migrations.Migration):

    dependencies = [
        ('bulletins', '0001_bulletins_moved_from_bans'),
        ('bans', '0010_bulletins_moved_out'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('auth', '0012_alter_user_first_name_max_length'),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.RenameIndex(
            model_name='bulletindelivery',
            new_name='bulletins_b_state_09a124_idx',
            old_name='bans_bullet_state_f7917b_idx',
        ),
        migrations.AlterModelTable(
            name='bulletin',
            table=None,
        ),
        migrations.AlterModelTable(
            name='bulletindelivery',
            table=None,
        ),
        migrations.AlterModelTable(
            name='bulletinentry',
            table=None,
        ),
        migrations.AlterModelTable(
            name='bulletinrequest',
            table=None,
        ),
    ]
