import os

from celery import Celery, signals

from plumbing.logs import bind_request_id, unbind_request_id

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kvo.settings")

app = Celery("kvo")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.task_prerun.connect
def _bind_task_id(task_id=None, task=None, **kwargs):
    # Log lines of a task carry its id where a request's carry the request id.
    task.request.kvo_log_token = bind_request_id(f"task-{task_id}")


@signals.task_postrun.connect
def _unbind_task_id(task=None, **kwargs):
    token = getattr(task.request, "kvo_log_token", None)
    if token is not None:
        unbind_request_id(token)
