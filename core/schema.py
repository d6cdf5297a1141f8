"""OpenAPI schema additions: every operation documents the one error envelope.

Any endpoint can refuse bad input (400), a bad token (401), a caller without the
right (403), an unknown or foreign object (404), a body too large (413), too many
requests (429) and an unavailable backing service (503); writes can also conflict
with the current state (409) or come in a format the endpoint does not read (415).
Operations that document an error code themselves (with a more precise
description) keep their description.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers

# The header of the money-moving POSTs that core.idempotency.run_idempotent honours.
IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="1–255 characters. The same key with the same body returns the first response again.",
)


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable machine-readable code, e.g. slot_full.")
    message = serializers.CharField(help_text="A sentence for people.")
    details = serializers.DictField(help_text="Field errors for validation failures, else extra facts.")


class ErrorEnvelopeSerializer(serializers.Serializer):
    """The shape of every error answer."""

    error = ErrorDetailSerializer()
    request_id = serializers.CharField(help_text="Also in the X-Request-ID header.")


_ANY_ENDPOINT = {
    400: "validation_error (details name the fields)",
    401: "not_authenticated, authentication_failed",
    403: "permission_denied, account_blocked, vendor_not_approved, wrong_vendor_type",
    404: "not_found (also another user's private object)",
    413: "request_too_large",
    429: "rate_limited (see Retry-After)",
    503: "service_unavailable",
}
_WRITES = {
    409: "a conflict with the current state (e.g. invalid_transition)",
    415: "unsupported_media_type (send JSON, or multipart for uploads)",
}


class AutoSchema(SpectacularAutoSchema):
    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        # drf-spectacular leaves out the bounds of nested lists (`many=True, max_length=30`).
        if isinstance(field, serializers.ListSerializer) and schema.get("type") == "array":
            if field.max_length is not None:
                schema["maxItems"] = field.max_length
            if field.min_length is not None:
                schema["minItems"] = field.min_length
            elif not field.allow_empty:
                schema["minItems"] = 1
        return schema

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        codes = dict(_ANY_ENDPOINT)
        if self.method not in ("GET", "HEAD", "OPTIONS"):
            codes.update(_WRITES)
        for status_code, description in codes.items():
            key = str(status_code)
            documented = responses.get(key)
            if documented is None or "content" not in documented:
                responses[key] = self._get_response_for_code(
                    OpenApiResponse(
                        ErrorEnvelopeSerializer, description=(documented or {}).get("description") or description
                    ),
                    key,
                )
        return responses
