"""Access with a purpose: opening a person's identity fields, exporting or printing people asks
why, from a short list plus a few words, and the answer is kept with the access-log event.

A view calls `stated_purpose(request)` after its access checks (so another partnership's object
is still a 404, not a question): it returns the purpose as log data, or None when the request did
not state one, in which case the view answers with `purpose_page(...)`, a small GET form that
sends the same request again with the purpose added. Pages whose purpose is their subject (a
claim's page, the collection-agency export) log that purpose without asking.
"""

from django import forms
from django.db import models
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

PURPOSE_FIELDS = ("purpose", "purpose_text")


class Purpose(models.TextChoices):
    CASE = "case", _("Handling a report or a case")
    MEASURE = "measure", _("Deciding on, serving or enforcing a measure")
    COUNTER = "counter", _("Recognising people with a measure in the shop")
    CLAIM = "claim", _("A civil claim")
    POLICE = "police", _("Handing over to the police")
    REQUEST = "request", _("A subject request or an objection")
    OTHER = "other", _("Otherwise (explain)")


class PurposeForm(forms.Form):
    purpose = forms.ChoiceField(
        label=_("Why do you need this?"), choices=Purpose.choices, widget=forms.RadioSelect
    )
    purpose_text = forms.CharField(
        label=_("In a few words"),
        max_length=200,
        required=False,
        help_text=_("For example the case number. Kept in the access log; no names, please."),
    )

    def __init__(self, *args, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if choices:
            self.fields["purpose"].choices = [(c, Purpose(c).label) for c in choices]

    def clean(self):
        data = super().clean()
        if data.get("purpose") == Purpose.OTHER and not data.get("purpose_text", "").strip():
            self.add_error("purpose_text", _("Explain the purpose in a few words."))
        return data


def stated_purpose(request, choices=None) -> dict | None:
    """{"purpose": code, "purpose_text": words} when the request states a valid purpose."""
    if "purpose" not in request.GET:
        return None
    form = PurposeForm(request.GET, choices=choices)
    if not form.is_valid():
        return None
    return {
        "purpose": form.cleaned_data["purpose"],
        "purpose_text": form.cleaned_data["purpose_text"].strip(),
    }


def purpose_page(request, *, title, what, choices=None):
    """Ask for the purpose, then send the same address again with it (GET keeps the query)."""
    bound = "purpose" in request.GET
    form = PurposeForm(request.GET if bound else None, choices=choices)
    if bound:
        form.is_valid()
    carried = [
        (name, value)
        for name, values in request.GET.lists()
        if name not in PURPOSE_FIELDS
        for value in values
    ]
    context = {"form": form, "title": title, "what": what, "carried": carried}
    return render(request, "merchants/purpose.html", context, status=400 if bound else 200)


def purpose_of(subject: str) -> dict:
    """The log data of a page whose purpose is its subject (a claim, the police pack)."""
    return {"purpose": subject, "purpose_text": ""}
