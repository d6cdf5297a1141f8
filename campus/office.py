"""What the campus office reads across the apps: the home page's to-dos and the one search.

Selectors only. Each to-do is a queryset defined once here; the admin list filter it links to
(`?todo=...` on that list) applies the same queryset, so the count on the home page is the
number of rows the link shows.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccountEvent, User
from accounts.phones import InvalidPhone, normalize_phone
from core.admin_display import campus_time, campus_zone, money, person
from ledger.models import Account
from ordering.models import Order
from payments.models import Payment, Refund
from stationery.models import PrintJob

# A paid order the vendor has not accepted after this long is waiting too long.
PAID_WAITING_MINUTES = 15
# A refund still pending at Razorpay after this long is delayed (a failed one is delayed at once).
REFUND_DELAYED_HOURS = 24
SEARCH_LIMIT = 20

# The flags payments.services sets, by the start of `flag_reason`.
FLAG_KINDS: dict[str, tuple[str, Q]] = {
    "wrong_amount": (
        "wrong amount",
        Q(flag_reason__startswith="Captured in ") | Q(flag_reason__regex=r"^Captured [0-9]+ paise"),
    ),
    "late_capture": ("late capture", Q(flag_reason__startswith="Captured after the payable")),
    "duplicate_capture": ("duplicate capture", Q(flag_reason__startswith="Second capture")),
}


def _campus_day(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    local = now.astimezone(campus_zone())
    start = dt.datetime.combine(local.date(), dt.time.min, tzinfo=campus_zone())
    return start, start + dt.timedelta(days=1)


def vendors_awaiting_approval(queryset: QuerySet[User] | None = None) -> QuerySet[User]:
    """Vendors who applied and were neither approved nor rejected (blocked ones wait for nothing)."""
    queryset = User.objects.all() if queryset is None else queryset
    rejected = AccountEvent.objects.filter(user=OuterRef("pk"), kind=AccountEvent.Kind.REJECTED)
    return queryset.filter(role=User.Role.VENDOR, is_approved=False, is_active=True).exclude(Exists(rejected))


def refunds_delayed(queryset: QuerySet[Refund] | None = None, *, now: dt.datetime | None = None) -> QuerySet[Refund]:
    """Failed refunds nobody retried, and refunds pending at Razorpay for over REFUND_DELAYED_HOURS."""
    queryset = Refund.objects.all() if queryset is None else queryset
    now = now or timezone.now()
    failed = Q(status=Refund.Status.FAILED, retried_by__isnull=True)
    stuck = Q(status=Refund.Status.PENDING, created_at__lt=now - dt.timedelta(hours=REFUND_DELAYED_HOURS))
    return queryset.filter(failed | stuck)


def payments_flagged(kind: str, queryset: QuerySet[Payment] | None = None) -> QuerySet[Payment]:
    """Flagged payments of one kind (FLAG_KINDS) that still hold money or were captured twice."""
    queryset = Payment.objects.all() if queryset is None else queryset
    _, condition = FLAG_KINDS[kind]
    held = Q(captured_paise__gt=F("refunded_paise")) | FLAG_KINDS["duplicate_capture"][1]
    return queryset.filter(condition, held, is_flagged=True)


def orders_waiting_too_long(queryset: QuerySet[Order] | None = None, *, now: dt.datetime | None = None):
    """Paid orders the vendor has not accepted PAID_WAITING_MINUTES after payment."""
    queryset = Order.objects.all() if queryset is None else queryset
    now = now or timezone.now()
    return queryset.filter(status=Order.Status.PAID, paid_at__lt=now - dt.timedelta(minutes=PAID_WAITING_MINUTES))


def orders_unclaimed_today(queryset: QuerySet[Order] | None = None, *, now: dt.datetime | None = None):
    """Orders of today's slots that are paid for and not collected although their slot has ended
    (the beat's `unclaimed` ones and those still waiting for it)."""
    queryset = Order.objects.all() if queryset is None else queryset
    now = now or timezone.now()
    start, end = _campus_day(now)
    return queryset.filter(
        status__in=(Order.Status.PAID, Order.Status.ACCEPTED, Order.Status.READY, Order.Status.UNCLAIMED),
        slot__starts_at__gte=start,
        slot__starts_at__lt=end,
        slot__ends_at__lt=now,
    )


def payable_accounts_owed(queryset: QuerySet[Account] | None = None) -> QuerySet[Account]:
    """Vendors' payable accounts holding money the campus owes them (a payout is due)."""
    queryset = Account.objects.all() if queryset is None else queryset
    return (
        queryset.filter(vendor__isnull=False, code__endswith=":payable")
        .annotate(owed_paise=-Coalesce(Sum("entries__amount_paise"), 0))
        .filter(owed_paise__gt=0)
    )


@dataclass(frozen=True)
class Todo:
    key: str
    label: str
    count: int
    url: str


def _url(name: str, query: str = "") -> str:
    return reverse(name) + (f"?{query}" if query else "")


def todos(*, user: User, now: dt.datetime | None = None) -> list[Todo]:
    """The office's to-dos `user` may act on (by its view permissions), each a count and its list."""
    now = now or timezone.now()
    found: list[Todo] = []
    if user.has_perm("accounts.view_user"):
        found.append(
            Todo(
                "approvals",
                "Vendors awaiting approval",
                vendors_awaiting_approval().count(),
                _url("admin:accounts_user_approvals"),
            )
        )
    if user.has_perm("payments.view_refund"):
        found.append(
            Todo(
                "refunds_delayed",
                "Delayed refunds",
                refunds_delayed(now=now).count(),
                _url("admin:payments_refund_changelist", "todo=delayed"),
            )
        )
    if user.has_perm("payments.view_payment"):
        for kind, (label, _) in FLAG_KINDS.items():
            found.append(
                Todo(
                    f"flagged_{kind}",
                    f"Flagged payments: {label}",
                    payments_flagged(kind).count(),
                    _url("admin:payments_payment_changelist", f"todo={kind}"),
                )
            )
    if user.has_perm("ordering.view_order"):
        found.append(
            Todo(
                "orders_waiting",
                f"Paid orders not accepted after {PAID_WAITING_MINUTES} min",
                orders_waiting_too_long(now=now).count(),
                _url("admin:ordering_order_changelist", "todo=waiting"),
            )
        )
        found.append(
            Todo(
                "orders_unclaimed",
                "Unclaimed orders today",
                orders_unclaimed_today(now=now).count(),
                _url("admin:ordering_order_changelist", "todo=unclaimed"),
            )
        )
    if user.has_perm("ledger.record_payout"):
        found.append(
            Todo(
                "payouts_due",
                "Payouts due",
                payable_accounts_owed().count(),
                _url("admin:ledger_account_changelist", "todo=owed"),
            )
        )
    return found


# --- the one search ---------------------------------------------------------------------

_ID = re.compile(r"^#?\s*([0-9]{1,12})$")
_DIGITS = re.compile(r"[0-9]")


@dataclass(frozen=True)
class Hit:
    label: str
    detail: str
    url: str


@dataclass(frozen=True)
class Section:
    title: str
    hits: list[Hit]


def _phone_filter(term: str, field: str) -> Q | None:
    """A phone in any spelling: +91 98765 43210, 098765-43210, 9876543210; or 4+ of its digits."""
    try:
        return Q(**{field: normalize_phone(term)})
    except InvalidPhone:
        pass
    digits = "".join(_DIGITS.findall(term))
    if len(digits) >= 4 and len(digits) == len(re.sub(r"[\s+\-()]", "", term)):
        return Q(**{f"{field}__contains": digits})
    return None


def _text_filter(term: str, fields: list[str], phone_fields: list[str], id_field: str = "pk") -> Q:
    condition = Q(pk__in=[])
    if match := _ID.match(term):
        condition |= Q(**{id_field: int(match.group(1))})
    if not term.startswith("#"):
        for field in fields:
            condition |= Q(**{f"{field}__icontains": term})
        for field in phone_fields:
            if (phone := _phone_filter(term, field)) is not None:
                condition |= phone
    return condition


def _shop(user: User) -> str:
    shop = getattr(user, "shop", None)
    return shop.name if shop is not None else (user.name or user.phone)


def search(*, user: User, term: str) -> list[Section]:
    """Orders, print jobs, payments and users matching `term`, within `user`'s view permissions.

    `8` and `#8` find id 8 (`#8` only ids); a phone matches in any spelling (or by 4+ digits);
    names, shop names and Razorpay order, payment and refund ids match by part.
    """
    term = (term or "").strip()
    if not term:
        return []
    sections: list[Section] = []
    if user.has_perm("ordering.view_order"):
        orders = (
            Order.objects.filter(
                _text_filter(term, ["student__name", "vendor__shop__name"], ["student__phone", "vendor__phone"])
            )
            .select_related("student", "vendor__shop")
            .order_by("-created_at")[:SEARCH_LIMIT]
        )
        hits = [
            Hit(
                f"Order #{o.pk} · {o.get_status_display()}",
                f"{_shop(o.vendor)} · {person(o.student)} · {money(o.total_paise)} · {campus_time(o.created_at)}",
                reverse("admin:ordering_order_change", args=[o.pk]),
            )
            for o in orders
        ]
        sections.append(Section("Orders", hits))
    if user.has_perm("stationery.view_printjob"):
        jobs = (
            PrintJob.objects.filter(
                _text_filter(
                    term, ["student__name", "vendor__shop__name", "original_name"], ["student__phone", "vendor__phone"]
                )
            )
            .select_related("student", "vendor__shop")
            .order_by("-created_at")[:SEARCH_LIMIT]
        )
        hits = [
            Hit(
                f"Print job #{j.pk} · {j.get_status_display()}",
                f"{_shop(j.vendor)} · {person(j.student)} · {money(j.amount_paise or j.estimated_paise)}",
                reverse("admin:stationery_printjob_change", args=[j.pk]),
            )
            for j in jobs
        ]
        sections.append(Section("Print jobs", hits))
    if user.has_perm("payments.view_payment"):
        payments = (
            Payment.objects.filter(
                _text_filter(
                    term,
                    ["razorpay_order_id", "razorpay_payment_id", "refunds__razorpay_refund_id", "payer__name"],
                    ["payer__phone"],
                )
            )
            .distinct()
            .select_related("payer")
            .order_by("-created_at")[:SEARCH_LIMIT]
        )
        hits = [
            Hit(
                f"Payment #{p.pk} · {p.get_status_display()}",
                f"{person(p.payer)} · {money(p.amount_paise)} · {p.razorpay_payment_id or p.razorpay_order_id or ''}",
                reverse("admin:payments_payment_change", args=[p.pk]),
            )
            for p in payments
        ]
        sections.append(Section("Payments", hits))
    if user.has_perm("accounts.view_user"):
        users = (
            User.objects.filter(_text_filter(term, ["name", "shop__name"], ["phone"]))
            .select_related("shop")
            .order_by("-created_at")[:SEARCH_LIMIT]
        )
        hits = [
            Hit(
                person(u),
                f"{u.get_role_display()}"
                + (f" · {u.shop.name}" if getattr(u, "shop", None) else "")
                + ("" if u.is_active else " · blocked"),
                reverse("admin:accounts_user_change", args=[u.pk]),
            )
            for u in users
        ]
        sections.append(Section("Users", hits))
    return sections
