"""Helpers for data migrations that move models from one app to another (release 0.9: the dossier
out of merchants; claims and bulletins out of bans). They keep what points at a model by its app
label: content types (and so permissions and admin history follow), the object type that audit
events and deletion-ledger rows name ("bans.claim"), and the audit log's action names, which name
the app that wrote them.

Called from migrations with the historical `apps`; they import no model classes."""


def move_model_references(apps, old_app, new_app, models, verbose_names=None):
    """Give the content types of `models` ({old model name: new model name}, lower case) of
    `old_app` to `new_app`, with their permissions, and rename the object type that audit events
    and deletion-ledger rows carry. A renamed model's permissions get the new codename, and the
    new verbose name in their text ({old: new} in `verbose_names`). Run it with the mappings
    inverted to go back."""
    for model_name in ("AuditEvent", "DeletionRecord"):
        rows = apps.get_model("merchants", model_name).objects
        for old_model, new_model in models.items():
            rows.filter(object_type=f"{old_app}.{old_model}").update(
                object_type=f"{new_app}.{new_model}"
            )
    content_type = apps.get_model("contenttypes", "ContentType")
    permission = apps.get_model("auth", "Permission")
    for old_model, new_model in models.items():
        moving = content_type.objects.filter(app_label=old_app, model=old_model).first()
        if moving is None:
            continue  # a database that never had the model's content type: nothing points at it
        # A content type made for the new name before this ran (a post_migrate in between) has
        # nothing of its own yet: the moving one, with its permissions, wins.
        content_type.objects.filter(app_label=new_app, model=new_model).delete()
        moving.app_label, moving.model = new_app, new_model
        moving.save(update_fields=["app_label", "model"])
        if old_model != new_model:
            for action in ("add", "change", "delete", "view"):
                permission.objects.filter(
                    content_type=moving, codename=f"{action}_{old_model}"
                ).update(codename=f"{action}_{new_model}")
        for old_name, new_name in (verbose_names or {}).items():
            for row in permission.objects.filter(content_type=moving, name__endswith=old_name):
                row.name = row.name[: -len(old_name)] + new_name
                row.save(update_fields=["name"])


def rewrite_audit_actions(apps, renames):
    """Rename audit actions ({old: new}); the events keep their time, actor and data."""
    event = apps.get_model("merchants", "AuditEvent")
    for old, new in renames.items():
        event.objects.filter(action=old).update(action=new)


def inverse(mapping):
    return {new: old for old, new in mapping.items()}


def model_move(old_app, new_app, models, actions, verbose_names=None):
    """RunPython's forward and backward functions for a move of `models` from `old_app` to
    `new_app` that also renames `actions` ({old: new}) in the audit log."""

    def forward(apps, schema_editor):
        move_model_references(apps, old_app, new_app, models, verbose_names)
        rewrite_audit_actions(apps, actions)

    def backward(apps, schema_editor):
        move_model_references(apps, new_app, old_app, inverse(models), inverse(verbose_names or {}))
        rewrite_audit_actions(apps, inverse(actions))

    return forward, backward
