"""Ledger test data, always written through the services so every transaction balances."""

import itertools

import factory

from accounts.tests.factories import FoodVendorFactory, StaffFactory
from ledger import chart
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


def capture_entries(vendor_id: int, amount: int, fee: int = 0, pending: bool = False) -> list[tuple[str, int]]:
    """A capture's entries; `pending` credits the vendor's pending account (as payments does), else
    its payable account directly (money already available, as captures booked before pending existed)."""
    vendor_code = chart.vendor_pending(vendor_id) if pending else chart.vendor_payable(vendor_id)
    entries = [(chart.GATEWAY, amount), (vendor_code, -(amount - fee))]
    if fee:
        entries.append((chart.COMMISSION, -fee))
    return entries


def refund_entries(vendor_id: int, amount: int, fee: int = 0, pending: bool = False) -> list[tuple[str, int]]:
    return [(code, -value) for code, value in capture_entries(vendor_id, amount, fee, pending)]


def post_capture(vendor, amount: int, fee: int = 0, reference: str | None = None, pending: bool = False):
    return ledger_post(
        kind="capture",
        reference=reference or next_reference("pay"),
        entries=capture_entries(vendor.pk, amount, fee, pending),
    )


def post_refund(vendor, amount: int, fee: int = 0, reference: str | None = None, pending: bool = False):
    return ledger_post(
        kind="refund",
        reference=reference or next_reference("rfnd"),
        entries=refund_entries(vendor.pk, amount, fee, pending),
    )


def post_release(vendor, amount: int, reference: str | None = None):
    """Completion: move `amount` of the vendor's money from pending to payable (available)."""
    return ledger_post(
        kind="release",
        reference=reference or next_reference("payment"),
        entries=[(chart.vendor_pending(vendor.pk), amount), (chart.vendor_payable(vendor.pk), -amount)],
    )


def post_payout(vendor, amount: int, actor=None, reference: str | None = None):
    return ledger_payout(
        vendor=vendor, amount_paise=amount, actor=actor or StaffFactory(), reference=reference or next_reference("po")
    )
