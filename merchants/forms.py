from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from merchants.models import Partnership, Shop, ShoppingArea, User
from merchants.objection_contact import MAX_ADDRESS_LINES, address_lines
from merchants.roles import Role
from plumbing.forms import IdMultipleChoiceField
from plumbing.sms import normalise_mobile


class AreaForm(forms.ModelForm):
    class Meta:
        model = ShoppingArea
        fields = ["name", "kind", "active"]

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        self.instance.partnership = partnership

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = ShoppingArea.objects.filter(partnership=self.partnership, name__iexact=name)
        if clash.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("This partnership already has an area with that name."))
        return name


class ShopForm(forms.ModelForm):
    class Meta:
        model = Shop
        fields = [
            "name",
            "area",
            "address",
            "postcode",
            "city",
            "kvk_number",
            "bulletin_email",
            "participating_since",
        ]
        widgets = {
            "participating_since": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "postcode": forms.TextInput(attrs={"autocomplete": "postal-code"}),
            "kvk_number": forms.TextInput(attrs={"inputmode": "numeric"}),
        }

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        # A tampered area id from another partnership is "not one of the choices", never saved.
        self.fields["area"].queryset = ShoppingArea.objects.filter(partnership=partnership)
        self.fields["area"].empty_label = _("Choose the area")
        self.partnership = partnership

    def clean(self):
        data = super().clean()
        name, address = data.get("name"), data.get("address")
        if name and address:
            twins = Shop.objects.in_partnership(self.partnership).filter(
                name__iexact=name.strip(), address__iexact=address.strip()
            )
            if twins.exclude(pk=self.instance.pk).exists():
                raise forms.ValidationError(
                    _("This partnership already has a shop with this name at this address.")
                )
        return data

    def validate_unique(self):
        # clean() reports duplicates in words; the database constraint still guards the race.
        pass


class ShopSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    area = forms.ModelChoiceField(
        label=_("Area"),
        queryset=ShoppingArea.objects.none(),
        required=False,
        empty_label=_("All areas"),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("active", _("Active")), ("inactive", _("Deactivated")), ("all", _("All"))],
    )

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = ShoppingArea.objects.filter(partnership=partnership)


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.PARTICIPANT)
    shops = IdMultipleChoiceField(
        label=_("Shops"),
        queryset=Shop.objects.none(),
        required=False,
        help_text=_("Only for participants: the shops this person reports for."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    is_owner = forms.BooleanField(
        label=_("Shop owner"),
        required=False,
        help_text=_("Owners manage their shop's staff and bulletin address."),
    )

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shops"].queryset = (
            Shop.objects.in_partnership(partnership).filter(active=True).select_related("area")
        )

    def clean(self):
        data = super().clean()
        if data.get("role") == Role.PARTICIPANT and not data.get("shops"):
            self.add_error("shops", _("Choose at least one shop for a participant."))
        if data.get("is_owner") and data.get("role") != Role.PARTICIPANT:
            self.add_error("is_owner", _("Only participants can be shop owners."))
        return data


class StaffInvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address of the staff member"), max_length=254)


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(
        label=_("Your name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters; not only digits and not a common password."),
    )
    password2 = forms.CharField(
        label=_("Repeat the password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            candidate = User(email=self.email, full_name=data.get("full_name", ""))
            try:
                password_validation.validate_password(p1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class BulletinEmailForm(forms.ModelForm):
    class Meta:
        model = Shop
        fields = ["bulletin_email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bulletin_email"].required = True


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "language", "report_alerts", "mobile"]
        widgets = {
            "report_alerts": forms.RadioSelect,
            "mobile": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        }

    def clean_mobile(self):
        return normalise_mobile(self.cleaned_data["mobile"])


class ObjectionContactForm(forms.ModelForm):
    """Where a person objects to a notice or a claim: printed on every letter issued from now on."""

    class Meta:
        model = Partnership
        fields = ["objection_address", "objection_email", "objection_phone", "objection_term_weeks"]
        widgets = {"objection_address": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The letters fall back to the partnership's name without an address: so it is required.
        self.fields["objection_address"].required = True

    def clean_objection_address(self):
        lines = address_lines(self.cleaned_data["objection_address"])
        if len(lines) > MAX_ADDRESS_LINES:
            raise forms.ValidationError(
                ngettext(
                    "Use at most %(count)d line, as on an envelope.",
                    "Use at most %(count)d lines, as on an envelope.",
                    MAX_ADDRESS_LINES,
                )
                % {"count": MAX_ADDRESS_LINES}
            )
        return "\n".join(lines)

    def clean_objection_phone(self):
        return " ".join(self.cleaned_data["objection_phone"].split())
