"""Issue 25, the student pages in Hindi without a browser: a visitor whose browser asks for Hindi
(Accept-Language) gets the key pages in Hindi, with lang="hi", the scripts' words in Hindi too;
the same pages asked for in English are as before. (The browser pass: test_browser_hindi.py.)"""

from __future__ import annotations

import json
import re

import pytest

from . import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("compiled_messages")]

DEVANAGARI = re.compile(r"[\u0900-\u097F]")


def _words(html: str, script: str) -> dict:
    block = re.search(rf'<script type="application/json" id="words-{script}">(.*?)</script>', html, re.S)
    assert block, f"no words-{script} block"
    return json.loads(block.group(1))


def test_the_key_pages_asked_for_in_hindi_are_in_hindi(client, campus):
    pages = {
        "/": "आज क्या लेंगे?",
        "/login": "हम आपके फ़ोन पर 6 अंकों का कोड भेजेंगे।",
        f"/vendors/{campus.canteen.vendor_id}": "पिकअप का समय",
        "/print": "दस्तावेज़ प्रिंट करें",
        f"/print/{campus.xerox.vendor_id}": "फ़ाइल चुनने के लिए साइन इन करें",
    }
    for path, hindi in pages.items():
        html = client.get(path, HTTP_ACCEPT_LANGUAGE="hi").content.decode()
        assert '<html lang="hi">' in html, path
        assert hindi in html, path
        assert "Tap N Take" in html  # the name stays as it is
    menu = client.get(f"/vendors/{campus.canteen.vendor_id}", HTTP_ACCEPT_LANGUAGE="hi").content.decode()
    words = _words(menu, "site")
    assert words["items"] == ["%(count)s चीज़", "%(count)s चीज़ें"]  # the counted words, both forms
    assert DEVANAGARI.search(words["placing"])
    # Written as UTF-8, with json_script's escapes: nothing in a text can end the block.
    assert "\\u09" not in menu and "</script>" not in words["placed_and_held"]


def test_a_signed_in_students_order_and_prints_follow_their_stored_language(student_client, student, campus):
    student.language = "hi"
    student.save(update_fields=["language"])
    order = factories.order(student=student, slot=campus.lunch, items=[(campus.chai, 2)])
    html = student_client.get(f"/orders/{order.pk}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="hi">' in html
    assert "भुगतान का इंतज़ार" in html and "पक्का करने के लिए भुगतान करें" in html
    assert _words(html, "live")["order_ready"].startswith("आपका ऑर्डर तैयार है")
    assert _words(html, "notify")["turn_on"] == "इस फ़ोन पर मुझे सूचना दें"
    jobs = student_client.get("/print-jobs").content.decode()
    assert "मेरे प्रिंट जॉब" in jobs


def test_in_english_the_pages_read_as_before(client, campus):
    html = client.get(f"/vendors/{campus.canteen.vendor_id}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in html
    assert "Pickup time" in html and not DEVANAGARI.search(html.replace("हिन्दी", ""))
    assert _words(html, "site")["items"] == ["%(count)s item", "%(count)s items"]
