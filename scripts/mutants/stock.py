"""Mutants: menus (issue 19): stock never oversold and always given back; options priced and checked."""

from __future__ import annotations

STOCK = "ordering/stock.py"
PRICING = "ordering/pricing.py"
TESTS = ["ordering/tests/test_menus_orders.py"]

MUTANTS: list[dict] = [
    {
        "id": "stock-oversell",
        "file": STOCK,
        "function": "stock_take",
        "find": 'f" WHERE id IN ({ids}) AND stock >= {case}",',
        "replace": 'f" WHERE id IN ({ids}) AND stock >= 0 * {case}",',
        "tests": TESTS,
        "k": "stock",
        "why": "an order takes more than the stock left",
    },
    {
        "id": "stock-not-given-back",
        "file": STOCK,
        "function": "stock_give_back",
        "find": 'then=F("stock") + Value(taken[pk])',
        "replace": 'then=F("stock")',
        "tests": TESTS,
        "k": "exactly_once",
        "why": "a cancelled, rejected or expired order keeps its stock",
    },
    {
        "id": "stock-given-back-after-reset",
        "file": STOCK,
        "function": "stock_give_back",
        "find": "locked = _lock_stocked(taken, not_reset_since=order.created_at)",
        "replace": "locked = _lock_stocked(taken)",
        "tests": TESTS,
        "k": "morning_reset",
        "why": "an order from before the morning reset adds to the fresh stock",
    },
    {
        "id": "stock-option-price-ignored",
        "file": PRICING,
        "function": "_price_line",
        "find": "unit_price_paise=item.price_paise + sum(option.price_delta_paise for option in options),",
        "replace": "unit_price_paise=item.price_paise,",
        "tests": TESTS,
        "k": "costs_the_item_plus",
        "why": "options are free: the line costs the item's price alone",
    },
    {
        "id": "stock-foreign-option-accepted",
        "file": PRICING,
        "function": "_price_line",
        "find": (
            "by_id = {option.pk: (group, option) for group in item.groups for option in group.options}"
        ),
        "replace": (
            "from catalog.models import Option; "
            "by_id = {option.pk: (option.group, option) for option in Option.objects.filter(pk__in=line.options)}"
        ),
        "tests": TESTS,
        "k": "another_item",
        "why": "an option of another item (maybe cheaper, maybe free) is accepted",
    },
    {
        "id": "stock-group-max-off-by-one",
        "file": PRICING,
        "function": "_price_line",
        "find": "if not group.min_choices <= count <= group.max_choices:",
        "replace": "if not group.min_choices <= count <= group.max_choices + 1:",
        "tests": TESTS,
        "k": "max_of_a_group or min_max",
        "why": "a group takes one option more than its max",
    },
    {
        "id": "stock-group-min-off-by-one",
        "file": PRICING,
        "function": "_price_line",
        "find": "if not group.min_choices <= count <= group.max_choices:",
        "replace": "if not group.min_choices - 1 <= count <= group.max_choices:",
        "tests": TESTS,
        "k": "min_max",
        "why": "a required choice (size) may be left out",
    },
    {
        "id": "stock-dashboard-form-resends-stock",
        "file": "static/dashboard/menu.js",
        "function": "<module: KINDS.menu.body>",
        "find": "if (!f.id || f.stock.trim() !== f.stock_was) body.stock = whole(f.stock, 0, MAX_STOCK);",
        "replace": "body.stock = whole(f.stock, 0, MAX_STOCK);",
        "tests": ["dashboard/tests/test_browser_menus.py"],
        "k": "stock",
        "why": "saving a dish's price in the dashboard puts back the stock orders took while the form was open",
    },
    {
        "id": "pages-dish-line-unchecked",
        "file": "pages/views/menu_item.py",
        "function": "_check",
        "find": "    pricing.lines_price(vendor_id=shop.vendor_id, lines=order_lines)",
        "replace": "    pass",
        "tests": ["pages/tests/test_menu_options.py"],
        "k": "unavailable_option or refuses_calmly",
        "why": "the dish page keeps an unavailable or foreign option in the cart",
    },
    {
        "id": "pages-dish-of-another-shop",
        "file": "pages/views/menu_item.py",
        "function": "menu_item",
        "find": "item = next((item for item in items if item.pk == item_id), None)",
        "replace": "item = next(iter(catalog_selectors.menu_item_list_public().filter(pk=item_id)), None)",
        "tests": ["pages/tests/test_menu_options.py"],
        "k": "another_shops",
        "why": "a shop's dish page shows (and adds) another shop's dish",
    },
]
