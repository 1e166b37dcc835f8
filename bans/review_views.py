"""The settings of the weekly access review (bans.access_review), for the administrator."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from bans.access_review import settings_for
from bans.forms import AccessReviewSettingsForm
from merchants.access import require_capability
from merchants.services import save_and_log_changes


@require_capability("keep_register")
def access_review_settings(request):
    form = AccessReviewSettingsForm(
        request.POST or None, instance=settings_for(request.partnership)
    )
    if request.method == "POST" and form.is_valid():
        save_and_log_changes(form, "bans.access_review.settings_changed", request=request)
        messages.success(request, _("The settings of the weekly access review are saved."))
        return redirect("bans:access_log")
    status = 400 if form.is_bound else 200
    return render(request, "bans/access_review_settings.html", {"form": form}, status=status)
