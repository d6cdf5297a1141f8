"""The Django admin site of Tap N Take: staff sign in with phone, password and then a code by SMS.

The admin opens only to a session that this two-step sign-in made: every sign-in marks
its session with how it was authenticated (`AUTH_METHOD_SESSION_KEY`, in `admin_login`),
and `has_permission` asks for the admin's own mark. A session made by a code alone (the
pages' sign-in, or `POST /auth/otp/verify`) is never enough, whoever it belongs to.

The home page is the office's to-do list (`campus.office.todos`) with the one search
(`/admin/search/`) across orders, print jobs, payments and users.
"""

from __future__ import annotations

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.template.response import TemplateResponse
from django.urls import path

from .session_marks import (
    ADMIN_AUTH_METHOD,
    AUTH_METHOD_SESSION_KEY,
    mark_session_auth_method,
    session_opens_admin,
)

__all__ = [
    "ADMIN_AUTH_METHOD",
    "AUTH_METHOD_SESSION_KEY",
    "TntAdminConfig",
    "TntAdminSite",
    "mark_session_auth_method",
    "session_opens_admin",
]


class TntAdminSite(AdminSite):
    site_header = "Tap N Take campus office"
    site_title = "Tap N Take office"
    index_title = "Today"

    def has_permission(self, request) -> bool:
        return super().has_permission(request) and session_opens_admin(request)

    # This module is loaded as an app config, before the models: the views' modules (which
    # import services and models) are imported when a request first needs them.

    def login(self, request, extra_context=None):
        from .admin_login import admin_login_view

        return admin_login_view(request, self, extra_context)

    def index(self, request, extra_context=None):
        from campus import office

        context = {"todos": office.todos(user=request.user), **(extra_context or {})}
        return super().index(request, context)

    def get_urls(self):
        return [path("search/", self.admin_view(self.search_view), name="search"), *super().get_urls()]

    def search_view(self, request):
        from campus import office

        term = request.GET.get("q", "").strip()[:100]
        sections = office.search(user=request.user, term=term)
        context = {
            **self.each_context(request),
            "title": f"Search: {term}" if term else "Search",
            "term": term,
            "sections": sections,
            "found": sum(len(section.hits) for section in sections),
        }
        return TemplateResponse(request, "admin/search.html", context)


class TntAdminConfig(AdminConfig):
    default_site = "accounts.admin_site.TntAdminSite"
