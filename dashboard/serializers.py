from rest_framework import serializers

MAX_IDS = 100


class PaymentStateQuerySerializer(serializers.Serializer):
    order = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, max_length=MAX_IDS, default=list
    )
    print_job = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, max_length=MAX_IDS, default=list
    )


class PaymentStateSerializer(serializers.Serializer):
    order = serializers.IntegerField(allow_null=True)
    print_job = serializers.IntegerField(allow_null=True)
    payment = serializers.IntegerField()
    status = serializers.CharField(help_text="captured, partially_refunded or refunded")
    captured_paise = serializers.IntegerField()
    refunded_paise = serializers.IntegerField(help_text="Refunds asked of Razorpay and not failed.")
    refund_status = serializers.CharField(allow_null=True, help_text="pending, processed, failed, or null")


class PaymentStateListSerializer(serializers.Serializer):
    results = PaymentStateSerializer(many=True)


class ShopSetupSerializer(serializers.Serializer):
    has_menu = serializers.BooleanField(help_text="A dish (food) or print service (stationery) exists.")
    has_slots = serializers.BooleanField(
        allow_null=True, help_text="An upcoming pickup slot exists; null for print shops."
    )
    is_open = serializers.BooleanField()
    has_orders = serializers.BooleanField(help_text="The shop has taken its first order or print job.")
