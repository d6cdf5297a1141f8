r"""Indian mobile numbers in E.164: +91 and ten ASCII digits starting 6-9.

`\d` would also match Devanagari, full-width and other Unicode digits (each spelling
its own rate-limit bucket, then a 500 on the database's check constraint), so the
patterns name `[0-9]` and whitespace is matched in ASCII only.
"""

import re

from django.utils.translation import gettext as _

PHONE_RE = re.compile(r"^\+91[6-9][0-9]{9}$", re.ASCII)
PHONE_REGEX = r"^\+91[6-9][0-9]{9}$"


class InvalidPhone(ValueError):
    pass


def normalize_phone(raw: str) -> str:
    """Return the E.164 form of an Indian mobile number, or raise InvalidPhone.

    Accepts `+91XXXXXXXXXX`, `91XXXXXXXXXX`, `0XXXXXXXXXX` and a bare ten-digit number,
    with spaces or dashes between digits.
    """
    if not isinstance(raw, str):
        raise InvalidPhone(_("Enter a phone number."))
    digits = re.sub(r"[ \t\r\n-]", "", raw.strip(" \t\r\n"))
    if digits.startswith("+"):
        candidate = digits
    elif len(digits) == 10:
        candidate = "+91" + digits
    elif len(digits) == 12 and digits.startswith("91"):
        candidate = "+" + digits
    elif len(digits) == 11 and digits.startswith("0"):
        candidate = "+91" + digits[1:]
    else:
        candidate = digits
    if not PHONE_RE.match(candidate):
        raise InvalidPhone(_("Enter an Indian mobile number: 10 digits starting with 6, 7, 8 or 9."))
    return candidate
