"""The student pages' scripts' words, in the page's language (issue 25).

The templates render the words a script needs into the page with `{% script_words "site" %}`
(pages/templatetags/tnt.py): a JSON block `<script type="application/json" id="words-site">`
that static/pages/site.js, live.js, notify.js and print.js read. That costs no request and
no catalogue of every script's words (Django's /jsi18n/ would be both on every student page,
uncached); a page carries only the words of the scripts it loads, and makemessages finds them
here as the Python texts they are.

A text is one string, or a counted one (a function of the count, so that makemessages finds its
ngettext): the page gets its two forms in the page's language, [form for 1, form for any other
count], and the script picks by the count. Both
catalogues' languages have those two forms (English and the Hindi catalogue's
`Plural-Forms: nplurals=2; plural=(n != 1)`). Placeholders are named, %(name)s, filled by the
script's `fmt`.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

# Each script's failures that carry no API envelope (site.js and print.js both).
_REQUEST = {
    "network": _("No connection. Check your network and try again."),
    "http": _("Something went wrong (%(status)s). Please try again."),
}

WORDS: dict[str, dict[str, object]] = {
    "site": {
        **_REQUEST,
        "code_now": _("You can ask for a new code now."),
        "code_in": (
            lambda n: ngettext(
                "You can ask for a new code in %(count)s second.", "You can ask for a new code in %(count)s seconds.", n
            )
        ),
        "cooldown": _("%(label)s (%(count)s s)"),
        "choose_options": (lambda n: ngettext("Choose one of “%(group)s”.", "Choose %(count)s of “%(group)s”.", n)),
        "items": (lambda n: ngettext("%(count)s item", "%(count)s items", n)),
        "choose_slot": _("Choose a pickup time."),
        "placing": _("Placing your order…"),
        "order_link": _("Order #%(id)s"),
        # %(order)s is the link to the order ("Order #12"), put in by the script.
        "placed_and_held": _("Finish paying in the payment window. %(order)s is placed and held for you."),
        "checkout_failed": _("Could not load the payment page. Check your connection."),
        "confirming": _("Confirming your payment…"),
        "opening": _("Opening the payment page…"),
        "not_finished": _("Payment not finished. Nothing was charged; you can pay now or later from this page."),
        "failed": _("The payment did not go through. You can try again."),
        "failed_because": _("The payment did not go through (%(reason)s). You can try again."),
        "finish_paying": _("Finish paying in the payment window."),
    },
    "live": {
        "order_updated": _("Your order was updated."),
        "order_paid": _("Your order is paid. The shop has it."),
        "order_accepted": _("The shop accepted your order."),
        "order_ready": _("Your order is ready. Show your pickup code at the counter."),
        "order_unclaimed": _("Your order was not collected in time. The shop is keeping it."),
        "order_completed": _("Your order was collected."),
        "order_rejected": _("The shop rejected your order."),
        "order_cancelled": _("Your order was cancelled."),
        "order_expired": _("Your order expired: it was not paid in time."),
        "job_updated": _("Print #%(id)s was updated."),
        "job_accepted": _("The shop accepted print #%(id)s."),
        "job_ready": _("Print #%(id)s is printed: pay to collect it."),
        "job_paid": _("Print #%(id)s is paid. Collect it at the shop."),
        "job_completed": _("Print #%(id)s was collected."),
        "job_rejected": _("The shop rejected print #%(id)s."),
        "job_cancelled": _("Print #%(id)s was cancelled."),
    },
    "notify": {
        "no_worker": _("The service worker did not start."),
        "turn_off": _("Turn off notifications"),
        "turn_on": _("Notify me on this phone"),
        "sms_on": _("SMS on: you also get an SMS."),
        "sms_off": _("SMS off: notifications come to this phone only."),
        "failed": _("That did not work. Try again."),
        "blocked": _(
            "Notifications are blocked for this site in your browser's settings. We will send an SMS instead."
        ),
        "not_on": _("Not turned on. We will send an SMS instead."),
        "turned_on": _("Turned on: this phone will tell you when your order changes."),
        "turned_off": _("Turned off. We will send an SMS instead."),
        "on": _("On: this phone tells you when your order changes."),
        "offer": _("Get a notification on this phone when your order is accepted or ready, instead of an SMS."),
    },
    "print": {
        **_REQUEST,
        # %(price)s is the estimate in bold, put in by the script; %(pages)s, %(copies)s and
        # %(sheets)s are the counted words below ("3 pages"), %(colour)s one of the colour words.
        "estimate": _(
            "Estimate: %(price)s for %(selected)s of %(pages)s (%(colour)s) × %(copies)s: %(sheets)s of %(paper)s,"
            " single-sided. The shop confirms the final amount."
        ),
        "estimate_double": _(
            "Estimate: %(price)s for %(selected)s of %(pages)s (%(colour)s) × %(copies)s: %(sheets)s of %(paper)s,"
            " double-sided. The shop confirms the final amount."
        ),
        # While the colour pages are still being counted: the estimate is a range.
        "price_range": _("%(price)s to %(max)s"),
        "pages": (lambda n: ngettext("%(count)s page", "%(count)s pages", n)),
        "copies": (lambda n: ngettext("%(count)s copy", "%(count)s copies", n)),
        "sheets": (lambda n: ngettext("%(count)s sheet", "%(count)s sheets", n)),
        "colour_later": _("colour pages are counted once it is sent"),
        "colour_pages": (lambda n: ngettext("%(count)s in colour: %(pages)s", "%(count)s in colour: %(pages)s", n)),
        "colour_none": _("none in colour"),
        "page_alt": _("Page %(page)s"),
        "page_caption": _("p. %(page)s"),
        "page_caption_colour": _("p. %(page)s · colour"),
        "working": _("Working out the price…"),
        "choose_to_price": _("Choose a PDF to see the price before you send it."),
        "uploading": _("Uploading %(name)s…"),
        "reading": _("Reading the pages…"),
        "uploaded": (
            lambda n: ngettext("Uploaded: %(name)s, %(count)s page.", "Uploaded: %(name)s, %(count)s pages.", n)
        ),
        "sending_after_upload": _("Sending as soon as your file has uploaded…"),
        "choose_file": _("Choose a PDF file to print first."),
    },
}


def words_for(script: str) -> dict[str, object]:
    """The script's words in the active language: strings, and [one, other] for the counted ones."""
    words = {}
    for key, text in WORDS[script].items():
        if callable(text):
            words[key] = [text(1), text(2)]
        else:
            words[key] = str(text)
    return words
