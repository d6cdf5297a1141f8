from django.urls import path

from . import api

urlpatterns = [
    path("push/public-key", api.PushPublicKeyView.as_view(), name="push-public-key"),
    path("push/preferences", api.PushPreferencesView.as_view(), name="push-preferences"),
    path("push-subscriptions", api.PushSubscriptionCreateView.as_view(), name="push-subscriptions"),
    path(
        "push-subscriptions/<int:subscription_id>",
        api.PushSubscriptionDeleteView.as_view(),
        name="push-subscription",
    ),
]
