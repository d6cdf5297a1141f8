from django.apps import AppConfig


class RazorpaySandboxConfig(AppConfig):
    name = "razorpay_sandbox"
    verbose_name = "Razorpay sandbox (development only)"

    def ready(self) -> None:
        from payments import conf

        from .middleware import current_origin

        # Where the SDK finds the sandbox when RAZORPAY_SANDBOX_BASE_URL names no place: this server.
        conf.sandbox_origin_resolver_set(current_origin)
