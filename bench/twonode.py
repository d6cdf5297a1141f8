"""`make bench`, scenario `twonode`: two gunicorn instances over the same PostgreSQL and Redis,
each driven by its own wrk, into one hot slot and one hot stocked item at once.

`prepare` (a Django process of its own) adds, at the seeded hot vendor, a slot of
TWO_NODE_CAPACITY places and a dish with TWO_NODE_STOCK portions, students of the scenario's
own, and TWO_NODE_CAPTURES open payments. Each node gets its own file of requests: orders into
that slot by its own students, half of them with the hot dish (1–2 portions), and, as one line in
WEBHOOK_EVERY, a signed `payment.captured` delivery. Both files carry the same deliveries in the
same order, so every capture reaches the two nodes at about the same moment. The slot and the
dish are sized to run out within a 12 s run at a quiet machine's rate (about 600 order attempts:
the dish after some 200 orders with it, the slot after 500 orders); the orders after that are
refused (409 `item_sold_out`, `slot_full`), which is the edge the invariants are about.

Afterwards bench/check.py checks them over everything the two nodes wrote (no slot over
capacity, `reserved` = live orders, no item sold past its stock, one ledger posting per
capture), and `state` reads what the scenario's slot, dish and captures ended as. The table gets a
row per node and one for both together (its ratio is the two nodes' requests/s over the one-node
ceiling of the same run).
"""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

from bench.applied import now_iso, webhooks_applied
from bench.measure import CpuMeter
from bench.processes import start_web, stop, wait_live

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
TWO_NODE_CAPACITY = 500  # places in the scenario's slot
TWO_NODE_STOCK = 300  # portions of the hot dish
TWO_NODE_CAPTURES = 1500  # open payments, each delivered once to each node
STUDENTS_PER_NODE = 1000
REQUESTS_PER_NODE = 8000
WEBHOOK_EVERY = 4  # one line in four is a webhook delivery
HOT_DISH_SHARE = 0.5  # orders with the hot dish on them
NODES = ("a", "b")


# --- the data (`python -m bench.twonode prepare <work> <secret> <hot slot id>`) -----------------


def prepare(work: Path, webhook_secret: str, hot_slot_id: int) -> dict:
    from bench import campus
    from catalog.models import MenuItem
    from ordering.models import Slot

    rng = random.Random(27_2)
    seeded_hot = Slot.objects.get(pk=hot_slot_id)
    vendor_id = seeded_hot.vendor_id
    # Before the seeded hot slot (a vendor's slots may not overlap), well before the order cut-off.
    slot = Slot.objects.create(
        vendor_id=vendor_id,
        starts_at=seeded_hot.starts_at - timedelta(minutes=15),
        ends_at=seeded_hot.starts_at - timedelta(minutes=5),
        capacity=TWO_NODE_CAPACITY,
    )
    dish = MenuItem.objects.create(
        vendor_id=vendor_id,
        name="Two-node thali",
        price_paise=12000,
        category="mains",
        diet="veg",
        stock=TWO_NODE_STOCK,
        daily_stock=TWO_NODE_STOCK,
    )
    items, required, extras = campus.menu_choices(vendor_id)
    payers = [user for user, _ in campus.students_with_tokens(TWO_NODE_CAPTURES, prefix="94", name="Two-node payer")]
    webhook_vendor = _webhook_vendor()
    payments = campus.open_payments(
        vendor_id=webhook_vendor, payer_ids=payers, count=TWO_NODE_CAPTURES, note="twonode", rng=rng
    )
    deliveries = [
        campus.capture_delivery(webhook_secret, p, payment_id=f"pay_TWONODE{n:09d}", event_id=f"evt_TWONODE{n:09d}")
        for n, p in enumerate(payments)
    ]
    students = campus.students_with_tokens(2 * STUDENTS_PER_NODE, prefix="93", name="Two-node student")
    for index, node in enumerate(NODES):
        mine = students[index * STUDENTS_PER_NODE : (index + 1) * STUDENTS_PER_NODE]
        lines, delivered = [], 0
        for n in range(REQUESTS_PER_NODE):
            if n % WEBHOOK_EVERY == WEBHOOK_EVERY - 1:
                lines.append(deliveries[delivered % len(deliveries)])
                delivered += 1
                continue
            if rng.random() < HOT_DISH_SHARE:
                others = rng.sample(items, rng.randint(0, 2))
                picked = [(dish.pk, rng.randint(1, 2)), *((i, rng.randint(1, 3)) for i, _ in others)]
            else:
                picked = [(i, rng.randint(1, 3)) for i, _ in rng.sample(items, rng.randint(1, 3))]
            _, token = rng.choice(mine)
            headers = {"Content-Type": "application/json", "Authorization": f"Token {token}"}
            body = campus.order_body(vendor_id, slot.pk, picked, required, extras, rng)
            lines.append(campus.line("POST", "/api/v1/orders", headers, body))
        (work / f"twonode_{node}.req").write_text("\n".join(lines) + "\n")
    state = {"slot": slot.pk, "dish": dish.pk, "captures": len(payments)}
    (work / "twonode.json").write_text(json.dumps(state))
    return state


def _webhook_vendor() -> int:
    """The seeded vendor whose orders wait for their capture webhook (bench/seed.py's second)."""
    from ordering.models import Order

    return Order.objects.filter(note="webhook").values_list("vendor_id", flat=True).first()


def state(work: Path) -> dict:
    """What the scenario's slot, hot dish and captures ended as."""
    from django.db.models import Count, Q, Sum

    from catalog.models import MenuItem
    from ledger.models import Transaction
    from ordering.models import Order, OrderItem, Slot
    from payments.models import Payment

    made = json.loads((work / "twonode.json").read_text())
    slot = Slot.objects.annotate(live=Count("orders", filter=Q(orders__status__in=Order.LIVE_STATUSES))).get(
        pk=made["slot"]
    )
    dish = MenuItem.objects.get(pk=made["dish"])
    sold = OrderItem.objects.filter(menu_item_id=dish.pk).exclude(order__status__in=Order.RELEASING_STATUSES)
    captured = Payment.objects.filter(order__note="twonode", status__in=Payment.CAPTURED_STATUSES)
    references = list(captured.values_list("razorpay_payment_id", flat=True))
    return {
        "capacity": slot.capacity,
        "reserved": slot.reserved,
        "live_orders": slot.live,
        "stock_start": dish.daily_stock,
        "stock_left": dish.stock,
        "portions_sold": sold.aggregate(n=Sum("stock_taken"))["n"] or 0,
        "captures": len(references),
        "capture_postings": Transaction.objects.filter(kind=Transaction.Kind.CAPTURE, reference__in=references).count(),
    }


# --- the run ------------------------------------------------------------------------------------------


def run(
    *, wrk_run, env: dict[str, str], work: Path, seconds: int, workers: str, ports: list[int], hot_slot: int, log
) -> dict:
    """Prepare, start the two nodes, drive both at once; {"twonode_a", "twonode_b", "twonode", "state"}."""
    log("two nodes: preparing the slot, the dish and the captures")
    done = subprocess.run(
        [PYTHON, "-m", "bench.twonode", "prepare", str(work), env["RAZORPAY_WEBHOOK_SECRET"], str(hot_slot)],
        cwd=REPO, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"bench: two-node prepare failed:\n{done.stderr[-4000:]}")
    log(f"two nodes: {done.stdout.strip().splitlines()[-1]}")
    nodes = {
        node: start_web(env, port=port, workers=workers, log_path=work / f"twonode_{node}.log")
        for node, port in zip(NODES, ports, strict=True)
    }
    results: dict[str, dict] = {}
    try:
        for node, port in zip(NODES, ports, strict=True):
            wait_live(f"http://127.0.0.1:{port}", name=f"two-node gunicorn {node}", process=nodes[node])
            wrk_run(f"http://127.0.0.1:{port}", work / "live.req", 2, env)  # every worker loads the app first
        meters = {node: CpuMeter(process.pid) for node, process in nodes.items()}
        before = {node: meter.sample() for node, meter in meters.items()}
        stored_since = now_iso()

        def drive(node: str, port: int) -> None:
            results[f"twonode_{node}"] = wrk_run(f"http://127.0.0.1:{port}", work / f"twonode_{node}.req", seconds, env)

        log(f"two nodes: {seconds}s, one wrk per node")
        threads = [threading.Thread(target=drive, args=pair) for pair in zip(NODES, ports, strict=True)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        missing = [node for node in NODES if f"twonode_{node}" not in results]
        if missing:  # run_wrk exits the bench when wrk gives no result; in a thread that ends only the thread
            raise SystemExit(f"bench: two nodes: wrk gave no result for node {', '.join(missing)}")
        after = {node: meter.sample() for node, meter in meters.items()}
    finally:
        for process in nodes.values():
            stop(process)
    first = NODES[0]
    # PostgreSQL serves both nodes: its CPU is shared out over all their requests.
    db_seconds = max(0.0, after[first]["db"] - before[first]["db"])
    all_served = max(1, sum(results[f"twonode_{node}"]["requests"] for node in NODES))
    for node in NODES:
        result = results[f"twonode_{node}"]
        result["web_cpu_ms"] = (after[node]["web"] - before[node]["web"]) * 1000 / max(1, result["requests"])
        result["db_cpu_ms"] = db_seconds * 1000 / all_served
        result["machine_busy"] = _busy(before[node], after[node])
    results["twonode"] = combined([results[f"twonode_{node}"] for node in NODES])
    results["twonode"]["machine_busy"] = _busy(before[first], after[first])
    results["server_errors"] = sum(
        len(re.findall(rb'"status": ?5\d\d', (work / f"twonode_{node}.log").read_bytes())) for node in NODES
    )
    results["applied"] = webhooks_applied(env, stored_since)  # the captures, applied by the worker
    read = subprocess.run(
        [PYTHON, "-m", "bench.twonode", "state", str(work)], cwd=REPO, env=env, capture_output=True, text=True
    )
    results["state"] = json.loads(read.stdout.strip().splitlines()[-1]) if read.returncode == 0 else {}
    return results


def _busy(before: dict, after: dict) -> float:
    return (after["busy"] - before["busy"]) / max(1e-9, after["all"] - before["all"])


def combined(parts: list[dict]) -> dict:
    """Both nodes as one row: counts and requests/s add up; latency is the worse node's (wrk gives no merge)."""
    total = {key: sum(p[key] for p in parts) for key in ("requests", "s2xx", "s4xx", "s5xx", "other", "duplicates",
                                                          "processed", "socket_errors", "timeouts")}  # fmt: skip
    total["seconds"] = max(p["seconds"] for p in parts)
    total["rps"] = sum(p["rps"] for p in parts)
    for key in ("p50_ms", "p95_ms", "p99_ms", "max_ms"):
        total[key] = max(p[key] for p in parts)
    served = max(1, total["requests"])
    total["web_cpu_ms"] = sum(p["web_cpu_ms"] * p["requests"] for p in parts) / served
    total["db_cpu_ms"] = sum(p["db_cpu_ms"] * p["requests"] for p in parts) / served
    return total


def report(results: dict, ceiling_rps: float) -> list[str]:
    """The lines under the table."""
    s = results.get("state") or {}
    a, b, both = results["twonode_a"], results["twonode_b"], results["twonode"]
    lines = [
        f"two nodes: node A {a['rps']:.1f} req/s, node B {b['rps']:.1f} req/s, together {both['rps']:.1f} req/s = "
        f"{both['rps'] / (ceiling_rps or 1.0):.2f} of the one-node ceiling (1 request in {WEBHOOK_EVERY} a webhook)",
    ]
    if s:
        lines.append(
            f"two nodes: slot {s['live_orders']} live orders, reserved {s['reserved']} of {s['capacity']}; hot dish "
            f"{s['portions_sold']} portions sold of {s['stock_start']}, {s['stock_left']} left; "
            f"{s['captures']} captures, {s['capture_postings']} capture postings"
        )
    if applied := results.get("applied"):
        lines.append(
            f"two nodes: webhooks applied by the worker: {applied['applied']} of {applied['stored']} stored; "
            f"received → applied p50 {applied['apply_p50_ms']:.0f} ms, p99 {applied['apply_p99_ms']:.0f} ms"
        )
    return lines


def failures(results: dict) -> list[str]:
    s = results.get("state")
    if not s:
        return ["two-node state could not be read"]
    found = []
    if s["live_orders"] > s["capacity"] or s["reserved"] != s["live_orders"]:
        found.append("two-node slot over capacity or reserved != live orders")
    if s["portions_sold"] > s["stock_start"] or s["portions_sold"] + s["stock_left"] != s["stock_start"]:
        found.append("two-node dish sold past its stock")
    if s["capture_postings"] != s["captures"]:
        found.append("two-node captures without exactly one posting")
    if results["server_errors"]:
        found.append("5xx in the two nodes' access logs")
    return found


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tntproject.settings")
    django.setup()
    if sys.argv[1:2] == ["prepare"]:
        print(json.dumps(prepare(Path(sys.argv[2]), sys.argv[3], int(sys.argv[4]))))
    elif sys.argv[1:2] == ["state"]:
        print(json.dumps(state(Path(sys.argv[2]))))
    else:
        raise SystemExit("usage: python -m bench.twonode prepare <work> <secret> <hot slot id> | state <work>")
