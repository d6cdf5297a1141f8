"""Ledger test data, always written through the services so every transaction balances."""

import itertools

import factory

from accounts.tests.factories import FoodVendorFactory, StaffFactory
from ledger import accounts as chart
from ledger.models import Account
from ledger.services import ledger_payout, ledger_post

_references = itertools.count(1)


def next_reference(prefix: str = "ref") -> str:
    return f"{prefix}_{next(_references)}"


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account
        django_get_or_create = ("code",)

    code = chart.GATEWAY
    type = Account.Type.ASSET


class VendorPayableFactory(AccountFactory):
    vendor = factory.SubFactory(FoodVendorFactory)
    code = factory.LazyAttribute(lambda o: chart.vendor_payable(o.vendor.pk))
    type = Account.Type.LIABILITY


def capture_entries(vendor_id: int, amount: int, fee: int = 0) -> list[tuple[str, int]]:
    entries = [(chart.GATEWAY, amount), (chart.vendor_payable(vendor_id), -(amount - fee))]
    if fee:
        entries.append((chart.COMMISSION, -fee))
    return entries


def refund_entries(vendor_id: int, amount: int, fee: int = 0) -> list[tuple[str, int]]:
    return [(code, -value) for code, value in capture_entries(vendor_id, amount, fee)]


def post_capture(vendor, amount: int, fee: int = 0, reference: str | None = None):
    return ledger_post(
        kind="capture", reference=reference or next_reference("pay"), entries=capture_entries(vendor.pk, amount, fee)
    )


def post_refund(vendor, amount: int, fee: int = 0, reference: str | None = None):
    return ledger_post(
        kind="refund", reference=reference or next_reference("rfnd"), entries=refund_entries(vendor.pk, amount, fee)
    )


def post_payout(vendor, amount: int, actor=None, reference: str | None = None):
    return ledger_payout(
        vendor=vendor, amount_paise=amount, actor=actor or StaffFactory(), reference=reference or next_reference("po")
    )
