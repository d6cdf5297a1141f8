"""The API's JSON parser: a body nested too deep is a client error, never a 500.

Python's json module raises RecursionError (not a ValueError) on `'[' * 50000`, and
DRF's JSONParser catches only ValueError, so the error escaped as a 500. Here every
decoding failure, RecursionError included, is a ParseError (400 `validation_error`).
Bodies over DATA_UPLOAD_MAX_MEMORY_SIZE never reach a parser: see
`core.middleware.RequestSizeLimitMiddleware`.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils import json


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = stream.read().decode(encoding) if stream is not None else ""
            return json.loads(text, parse_constant=json.strict_constant if self.strict else None)
        except RecursionError:
            raise ParseError(_("JSON parse error - nested too deeply.")) from None
        except ValueError:  # JSONDecodeError and UnicodeDecodeError
            raise ParseError(_("JSON parse error.")) from None
