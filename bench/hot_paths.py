"""Time two hot paths of issue 27 in one process, through Django's test client (no gunicorn, no wrk).

    scripts/with-services.sh .venv/bin/python bench/hot_paths.py [requests] [--tokens]

On the throwaway PostgreSQL and Redis of `scripts/with-services.sh` it migrates, seeds one food
vendor with 200 orders (200 students; every line with its size option, one in three with an
extra; 120 of the orders paid, 30 of those partly refunded by staff), then measures, per request,
the CPU time of this process (`time.process_time`: the ORM, the serializers, the middleware,
psycopg and the Redis client; not PostgreSQL's or Redis's own CPU), the wall time and the SQL
statements:

- `GET /api/v1/me` with a student's token: the cost of token authentication on a tiny answer;
- `GET /api/v1/orders?page_size=100` with the vendor's token (the dashboard's page size), and the
  first page of 20 (what `make bench` asks).

`--tokens` also times the token lookup alone: the database's (the token joined with its user,
as TokenAuthentication did) against the cache's (accounts/token_cache.py), in alternating rounds.

CPU time is the figure to compare on a shared machine: other processes move wall time more.
Each path is warmed up first, then timed over `requests` requests (default 300); the median
of five rounds is printed.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tntproject.settings")
os.environ.update(DEBUG="0", SECURE_SSL_REDIRECT="0", CELERY_TASK_ALWAYS_EAGER="0", LOG_LEVEL="WARNING")
os.environ.setdefault("SECRET_KEY", "bench-hot-paths-" + "x" * 40)

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

ORDERS = 200


def seed() -> dict[str, str]:
    from datetime import timedelta

    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from accounts.models import User
    from catalog.models import MenuItem, Option, OptionGroup, Shop
    from ordering import services as ordering
    from payments import services as payments
    from payments.tests.factories import capture, open_payment

    vendor = User.objects.create_user(
        "+919800000001", name="Bench Canteen", role="vendor", vendor_type="food", is_approved=True
    )
    Shop.objects.create(vendor=vendor, name="Bench Canteen", vendor_type="food", is_open=True)
    staff = User.objects.create_superuser("+919800000002", "bench-password-1", name="Staff")
    starts = timezone.now() + timedelta(hours=3)
    slot = ordering.slot_create(vendor=vendor, starts_at=starts, ends_at=starts + timedelta(minutes=30), capacity=1000)
    items = []
    for n in range(6):
        item = MenuItem.objects.create(vendor=vendor, name=f"Dish {n}", price_paise=6000 + 500 * n, category="Meals")
        size = OptionGroup.objects.create(menu_item=item, name="Size", min_choices=1, max_choices=1)
        regular = Option.objects.create(group=size, name="Regular", price_delta_paise=0)
        large = Option.objects.create(group=size, name="Large", price_delta_paise=2000)
        extras = OptionGroup.objects.create(menu_item=item, name="Extras", min_choices=0, max_choices=2, sort_order=1)
        cheese = Option.objects.create(group=extras, name="Cheese", price_delta_paise=1500)
        items.append((item, regular, large, cheese))
    students = [User.objects.create_user(f"+91970000{n:04d}", name=f"Student {n}") for n in range(ORDERS)]
    for n, student in enumerate(students):
        lines = []
        for k in range(1 + n % 3):
            item, regular, large, cheese = items[(n + k) % len(items)]
            chosen = [large.pk if (n + k) % 2 else regular.pk] + ([cheese.pk] if (n + k) % 3 == 0 else [])
            lines.append(ordering.OrderLine(menu_item_id=item.pk, quantity=1 + k, options=tuple(chosen)))
        order = ordering.order_place(
            student=student, vendor_id=vendor.pk, slot_id=slot.pk, lines=lines, note="no onions" if n % 5 == 0 else ""
        )
        if n % 5 < 3:
            payment = capture(open_payment(payer=student, order_=order))
            if n % 4 == 0:
                payments.payment_refund(payment_id=payment.pk, amount_paise=1000, reason="Missing spoon", actor=staff)
    return {
        "vendor": Token.objects.create(user=vendor).key,
        "student": Token.objects.create(user=students[0]).key,
    }


def measure(client: Client, path: str, token: str, requests: int) -> dict:
    headers = {"HTTP_AUTHORIZATION": f"Token {token}"}
    for _ in range(20):
        response = client.get(path, **headers)
        assert response.status_code == 200, (path, response.status_code, response.content[:300])
    statements = []
    with connection.execute_wrapper(lambda execute, sql, *args: statements.append(sql) or execute(sql, *args)):
        client.get(path, **headers)
    rounds = []
    for _ in range(5):
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(requests):
            client.get(path, **headers)
        rounds.append(((time.process_time() - cpu) / requests * 1000, (time.perf_counter() - wall) / requests * 1000))
    return {
        "cpu_ms": statistics.median(r[0] for r in rounds),
        "wall_ms": statistics.median(r[1] for r in rounds),
        "queries": len(statements),
        "bytes": len(response.content),
    }


def token_lookups(token: str, lookups: int = 2000) -> None:
    """The token lookup alone, the database's (what TokenAuthentication did) against the cache's,
    in alternating rounds so both see the same machine."""
    from rest_framework.authtoken.models import Token

    from accounts import token_cache

    def database() -> None:
        Token.objects.select_related("user").get(key=token)

    def cached() -> None:
        assert token_cache.token_user_cached(token_key=token) is not None

    token_cache.token_user_store(token=Token.objects.select_related("user").get(key=token))
    times: dict[str, list[float]] = {"database": [], "cache": []}
    for _ in range(5):
        for name, lookup in (("database", database), ("cache", cached)):
            cpu, wall = time.process_time(), time.perf_counter()
            for _ in range(lookups):
                lookup()
            times[name].append((time.process_time() - cpu) / lookups * 1e6)
            times[name].append((time.perf_counter() - wall) / lookups * 1e6)
    for name, values in times.items():
        cpu, wall = statistics.median(values[0::2]), statistics.median(values[1::2])
        print(f"token lookup from the {name:8}            {cpu:7.0f} µs CPU  {wall:7.0f} µs wall")


def main() -> int:
    numbers = [arg for arg in sys.argv[1:] if arg.isdigit()]
    requests = int(numbers[0]) if numbers else 300
    call_command("migrate", verbosity=0)
    from django.core.cache import cache

    cache.clear()
    tokens = seed()
    client = Client()
    for label, path, who, count in [
        ("GET /me (student)", "/api/v1/me", "student", requests),
        ("GET /orders?page_size=100 (vendor)", "/api/v1/orders?page_size=100", "vendor", max(requests // 10, 20)),
        ("GET /orders (vendor, 20)", "/api/v1/orders", "vendor", max(requests // 4, 20)),
    ]:
        result = measure(client, path, tokens[who], count)
        print(
            f"{label:38} {result['cpu_ms']:7.2f} ms CPU  {result['wall_ms']:7.2f} ms wall  "
            f"{result['queries']:2d} SQL  {result['bytes']:7d} B"
        )
    if "--tokens" in sys.argv:
        token_lookups(tokens["student"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
