"""The dossier's tables get their own app's names, the matrix line is a safety measure (the word
"measure" alone is the register's), and what named the models or their actions by the old app
follows: content types with their permissions, the object type of audit events and
deletion-ledger rows, and the audit log's action names."""

from django.db import migrations

from merchants.moves import model_move

MODELS = {
    "certificate": "certificate",
    "dossieritem": "dossieritem",
    "dossierreminder": "dossierreminder",
    "matrixitem": "safetymeasure",
}
VERBOSE_NAMES = {"matrix item": "safety measure"}  # in the permissions' text
ACTIONS = {
    "merchants.dossier.certificate_added": "certification.certificate.added",
    "merchants.dossier.item_added": "certification.dossier_item.added",
    "merchants.dossier.matrix_added": "certification.safety_measure.added",
    "merchants.dossier.matrix_changed": "certification.safety_measure.changed",
}


forward, backward = model_move("merchants", "certification", MODELS, ACTIONS, VERBOSE_NAMES)


class Migration(migrations.Migration):

    dependencies = [
        ('certification', '0001_dossier_moved_from_merchants'),
        ('merchants', '0008_certification_moved_out'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('auth', '0012_alter_user_first_name_max_length'),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.AlterModelOptions(
            name='safetymeasure',
            options={'ordering': ['due_on', 'pk'], 'verbose_name': 'safety measure', 'verbose_name_plural': 'measures matrix'},
        ),
        migrations.RenameField(
            model_name='safetymeasure',
            old_name='measure',
            new_name='description',
        ),
        migrations.RenameIndex(
            model_name='dossieritem',
            new_name='certificati_area_id_db4040_idx',
            old_name='merchants_d_area_id_c443d2_idx',
        ),
        migrations.AlterModelTable(
            name='certificate',
            table=None,
        ),
        migrations.AlterModelTable(
            name='dossieritem',
            table=None,
        ),
        migrations.AlterModelTable(
            name='dossierreminder',
            table=None,
        ),
        migrations.AlterModelTable(
            name='safetymeasure',
            table=None,
        ),
    ]
