"""The certification dossier is an app of its own since release 0.9 (certification 0001 takes
over these models with their tables): merchants forgets them, in its state only."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('merchants', '0007_user_sessions'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.RemoveField(
                model_name='dossierreminder',
                name='certificate',
            ),
            migrations.RemoveField(
                model_name='dossieritem',
                name='area',
            ),
            migrations.RemoveField(
                model_name='dossieritem',
                name='created_by',
            ),
            migrations.RemoveField(
                model_name='matrixitem',
                name='meeting',
            ),
            migrations.RemoveField(
                model_name='dossierreminder',
                name='area',
            ),
            migrations.RemoveField(
                model_name='matrixitem',
                name='area',
            ),
            migrations.DeleteModel(
                name='Certificate',
            ),
            migrations.DeleteModel(
                name='DossierItem',
            ),
            migrations.DeleteModel(
                name='DossierReminder',
            ),
            migrations.DeleteModel(
                name='MatrixItem',
            ),
            ],
            database_operations=[],
        ),
    ]
