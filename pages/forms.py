"""Forms of the student pages. They only parse what the browser sent; the services hold the rules."""

from __future__ import annotations

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.phones import InvalidPhone, normalize_phone
from catalog.services import SHOP_NAME_MAX

from .cart import lines_from


class PhoneForm(forms.Form):
    phone = forms.CharField(max_length=20, error_messages={"required": _("Enter your mobile number.")})

    def clean_phone(self) -> str:
        try:
            return normalize_phone(self.cleaned_data["phone"])
        except InvalidPhone as exc:
            raise forms.ValidationError(str(exc)) from None


class CodeForm(forms.Form):
    code = forms.RegexField(
        regex=r"^\d{6}$",
        max_length=6,
        error_messages={
            "required": _("Enter the 6-digit code from the SMS."),
            "invalid": _("Enter the 6-digit code."),
        },
    )
    name = forms.CharField(max_length=120, required=False)

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip()

    def sign_up_fields(self) -> dict[str, str]:
        """What `otp_verify` needs besides the code and name if the phone is new: a student needs nothing."""
        return {}


class ShopSignUpForm(CodeForm):
    """The code step of registering a shop: also the new vendor's shop name and what it sells.

    Like the API's verify serializer, both are asked for before the code is checked,
    so a missing one never uses up the code; `user_sign_up` holds the rule itself.
    """

    shop_name = forms.CharField(
        max_length=SHOP_NAME_MAX,
        error_messages={
            "required": _("Enter your shop's name."),
            "max_length": format_lazy(_("Keep the shop's name to {count} characters."), count=SHOP_NAME_MAX),
        },
    )
    vendor_type = forms.ChoiceField(
        choices=User.VendorType.choices,
        error_messages={
            "required": _("Choose what your shop sells: food or stationery."),
            "invalid_choice": _("Choose what your shop sells: food or stationery."),
        },
    )

    def sign_up_fields(self) -> dict[str, str]:
        return {
            "role": User.Role.VENDOR,
            "shop_name": self.cleaned_data["shop_name"],
            "vendor_type": self.cleaned_data["vendor_type"],
        }


class OrderForm(forms.Form):
    """The cart: one quantity field per line (`qty_<item id>`, or `qty_<item id>_<option ids>` for
    a dish with options; pages/cart.py), the slot and a note."""

    slot = forms.IntegerField(min_value=1, error_messages={"required": _("Choose a pickup time.")})
    note = forms.CharField(max_length=300, required=False)

    def __init__(self, *args, item_ids: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lines, self.malformed = lines_from(self.data, item_ids=item_ids)

    def clean(self):
        cleaned = super().clean()
        if self.malformed:
            raise forms.ValidationError(_("Enter a whole number for each quantity."))
        if not self.errors and not self.lines:
            raise forms.ValidationError(_("Your cart is empty. Add at least one item."))
        return cleaned


class PrintJobForm(forms.Form):
    """The print form: the file itself, or (with the page script) the id of its upload (issue 22)."""

    service = forms.IntegerField(min_value=1, error_messages={"required": _("Choose a print service.")})
    file = forms.FileField(required=False)
    # The file chosen on this form, already uploaded once by the page script (POST /print-uploads).
    upload = forms.IntegerField(min_value=1, max_value=2**63 - 1, required=False, widget=forms.HiddenInput)
    copies = forms.IntegerField(
        min_value=1,
        initial=1,
        error_messages={"required": _("Say how many copies."), "invalid": _("Enter a whole number.")},
    )
    double_sided = forms.TypedChoiceField(
        choices=[("false", _("Single-sided")), ("true", _("Double-sided"))],
        coerce=lambda value: value == "true",
        required=False,
        empty_value=False,
    )
    note = forms.CharField(max_length=300, required=False)
    # Issue 21: the selection, colour, layout and finishing (checked by stationery.documents).
    page_range = forms.CharField(max_length=200, required=False)
    colour_mode = forms.ChoiceField(
        choices=[("bw", _("Black and white")), ("auto", _("Colour pages in colour"))], required=False
    )
    pages_per_sheet = forms.TypedChoiceField(
        choices=[("1", "1"), ("2", "2"), ("4", "4")], coerce=int, required=False, empty_value=1
    )
    finishing = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(self, *args, service_ids: list[int], finishing_ids: list[int] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.service_ids = service_ids
        self.fields["finishing"].choices = [(str(pk), str(pk)) for pk in finishing_ids]

    def clean_service(self) -> int:
        service_id = self.cleaned_data["service"]
        # Only this shop's services are offered on its page; the service checks the rest.
        if service_id not in self.service_ids:
            raise forms.ValidationError(_("Choose one of this shop's print services."))
        return service_id

    def clean(self) -> dict:
        cleaned = super().clean()
        # A file chosen again replaces the upload; with neither, there is nothing to print.
        if cleaned.get("file"):
            cleaned["upload"] = None
        elif not cleaned.get("upload") and "file" not in self.errors:
            self.add_error("file", _("Choose a PDF file to print."))
        return cleaned
