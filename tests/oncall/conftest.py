"""What the on-call tests share: Razorpay's test credentials (the gateway itself unreachable) and a scrape."""

import re

import pytest
from django.test import Client

from payments.tests.factories import KEY_ID, KEY_SECRET, WEBHOOK_SECRET


@pytest.fixture(autouse=True)
def razorpay_settings(settings):
    settings.RAZORPAY_KEY_ID = KEY_ID
    settings.RAZORPAY_KEY_SECRET = KEY_SECRET
    settings.RAZORPAY_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.RAZORPAY_SANDBOX = False
    settings.RAZORPAY_BASE_URL = "http://127.0.0.1:9/unreachable"
    settings.RAZORPAY_TIMEOUT_SECONDS = 1.5


_SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$")


def parse(text: str) -> dict[tuple[str, frozenset], float]:
    """{(name, frozenset of label pairs): value} of Prometheus' text format."""
    samples = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        match = _SAMPLE.match(line)
        assert match, line
        name, labels, value = match.groups()
        pairs = frozenset(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', labels or ""))
        samples[(name, pairs)] = float(value)
    return samples


class Scrape:
    """GET /metrics from an allowed address; `value(name, **labels)` reads one sample (0 when absent)."""

    def __init__(self) -> None:
        self.client = Client(REMOTE_ADDR="127.0.0.1")
        self.samples: dict = {}
        self.text = ""

    def __call__(self) -> "Scrape":
        response = self.client.get("/metrics")
        assert response.status_code == 200, response.content[:300]
        assert response["Content-Type"].startswith("text/plain")
        self.text = response.content.decode()
        self.samples = parse(self.text)
        return self

    def value(self, name: str, **labels) -> float:
        wanted = frozenset((key, str(value)) for key, value in labels.items())
        return self.samples.get((name, wanted), 0.0)

    def names(self) -> set[str]:
        return {name for name, _ in self.samples}


@pytest.fixture
def scrape() -> Scrape:
    return Scrape()
