"""Content negotiation for views whose answer type is decided by the view, not by `Accept` or `?format=`."""

from __future__ import annotations

from rest_framework.negotiation import DefaultContentNegotiation


class FirstRendererOnly(DefaultContentNegotiation):
    """Always the view's first renderer: what DRF renders there (a refusal) is that, whatever the client asked.

    For the statement, whose `?format=` (json or csv) is its own parameter and not DRF's renderer
    override, and for the event stream, which DRF does not render at all.
    """

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type
