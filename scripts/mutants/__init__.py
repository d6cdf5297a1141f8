"""The mutation gate's list: small, plausible bugs in the rules that matter, each with the tests
that must notice it. `make mutate` (scripts/mutate.py) applies them one at a time to a copy of the
tree and fails if any survives, or if any anchor no longer occurs exactly once in its function.

Each mutant:
    id        short stable name, prefixed by area (money-, cap-, own-, otp-)
    file      path from the repository root
    function  the function (or method) the anchor must lie in
    find      exact source text; must occur exactly once in the file, inside `function`
    replace   what it becomes
    tests     pytest paths (files or node ids) that must fail with it
    k         optional -k expression narrowing those tests
    why       one line: the bug, in the campus's words

When a new rule is written, add its mutants to its area's file here (a new area gets a new
file; see docs/testing.md).
"""

from __future__ import annotations

from mutants import (
    a11y,
    capacity,
    checkout,
    events,
    listing,
    money,
    office,
    oncall,
    otp,
    ownership,
    printing,
    push,
    pwa,
    shell,
    stock,
    tokens,
    webhooks,
)

MUTANTS: list[dict] = [
    *money.MUTANTS,
    *capacity.MUTANTS,
    *ownership.MUTANTS,
    *otp.MUTANTS,
    *printing.MUTANTS,
    *office.MUTANTS,
    *oncall.MUTANTS,
    *events.MUTANTS,
    *stock.MUTANTS,
    *push.MUTANTS,
    *pwa.MUTANTS,
    *tokens.MUTANTS,
    *webhooks.MUTANTS,
    *listing.MUTANTS,
    *a11y.MUTANTS,
    *checkout.MUTANTS,
    *shell.MUTANTS,
]
