from django.urls import path

from .views import EventStreamView

urlpatterns = [
    path("events", EventStreamView.as_view(), name="events"),
]
