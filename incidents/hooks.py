"""What the incidents offer the floors above them, so that they never import them.

- ``case_changed``: sent after commit when a case's status changed or its police report moved a
  step (filed, being handled, sent to the OM, a hearing, settled). Arguments: ``incident_id`` and
  ``event`` (``"case.status_changed"`` or ``"case.police_step"``). The API's webhooks listen: a
  chain's system hears of its shops' cases without polling.
"""

from django.dispatch import Signal

case_changed = Signal()  # sender=Incident, incident_id=int, event=str

STATUS_CHANGED = "case.status_changed"
POLICE_STEP = "case.police_step"


def announce(incident_id, event):
    from incidents.models import Incident

    case_changed.send(sender=Incident, incident_id=incident_id, event=event)
