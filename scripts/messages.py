#!/usr/bin/env python3
"""The Hindi catalogue's gate and its compiler (issue 25). Needs GNU gettext (scripts/ensure-gettext.sh).

    scripts/messages.py check     # fail when a marked text has no Hindi translation, or a fuzzy one
    scripts/messages.py update    # the same extraction, but keep the merged .po files to translate
    scripts/messages.py compile   # locale/*/LC_MESSAGES/*.po -> .mo (make run and make test do this)

`check` extracts every marked text of the project (Django's makemessages: templates, Python,
and the scripts' gettext() calls for the djangojs domain), merges it into the committed .po
files, lists each message that is untranslated or fuzzy (msgattrib), checks placeholders
(msgfmt --check) and puts the committed files back as they were, so a check never edits the tree.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"
LANGUAGES = ("hi",)  # English is the source language: its texts are the msgids
DOMAINS = ("django", "djangojs")
# Never the project's own texts: the virtualenv, collected or vendored files, tests, tools.
IGNORE = (".venv/*", "staticfiles/*", "static/vendor/*", "var/*", "test-artifacts/*", "bench/*", "scripts/*",
          "tests/*", "*/tests/*", "*/migrations/*")


def _python() -> str:
    venv = ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def _manage(*args: str) -> None:
    env = {
        **os.environ,
        "SECRET_KEY": os.environ.get("SECRET_KEY", "messages-only"),
        "DJANGO_SETTINGS_MODULE": "tntproject.settings",
    }
    subprocess.run([_python(), "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def _extract() -> None:
    # --no-wrap: one line per msgid, as committed, so a new text is a small diff
    ignores = (arg for pattern in IGNORE for arg in ("--ignore", pattern))
    options = ["--no-location", "--no-obsolete", "--no-wrap", *ignores]
    for language in LANGUAGES:
        for domain in DOMAINS:
            _manage("makemessages", "--locale", language, "--domain", domain, *options)


def _po_files() -> list[Path]:
    return [LOCALE / language / "LC_MESSAGES" / f"{domain}.po" for language in LANGUAGES for domain in DOMAINS]


def _msgids(po: Path, *flags: str) -> list[str]:
    """The msgids msgattrib selects with `flags` (e.g. --untranslated), the header's empty one left out."""
    command = ["msgattrib", *flags, "--no-wrap", str(po)]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    # --no-wrap writes each msgid on one line
    return [line[len('msgid "') : -1] for line in out.splitlines() if line.startswith('msgid "') and line != 'msgid ""']


def _problems() -> list[str]:
    problems = []
    for po in _po_files():
        if not po.exists():
            problems.append(f"{po.relative_to(ROOT)}: missing")
            continue
        name = po.relative_to(ROOT)
        problems += [f"{name}: not translated: {msgid}" for msgid in _msgids(po, "--untranslated")]
        problems += [f"{name}: fuzzy: {msgid}" for msgid in _msgids(po, "--only-fuzzy")]
        command = ["msgfmt", "--check", "--statistics", "-o", os.devnull, str(po)]
        checked = subprocess.run(command, capture_output=True, text=True)
        if checked.returncode != 0:
            problems.append(f"{name}: msgfmt --check failed:\n{checked.stderr.strip()}")
    return problems


def check(*, keep: bool) -> int:
    saved = tempfile.mkdtemp(prefix="tnt-messages-")
    originals = {po: Path(saved) / f"{index}.po" for index, po in enumerate(_po_files())}
    for po, copy in originals.items():
        if po.exists():
            shutil.copy2(po, copy)
    try:
        _extract()
        problems = _problems()
    finally:
        if not keep:
            for po, copy in originals.items():
                if copy.exists():
                    shutil.copy2(copy, po)
        shutil.rmtree(saved, ignore_errors=True)
    if problems:
        print("messages: the Hindi catalogue is incomplete:", *problems, sep="\n  ", file=sys.stderr)
        if not keep:
            print(
                "Run `scripts/messages.py update`, translate the entries in locale/hi/LC_MESSAGES/, and commit.",
                file=sys.stderr,
            )
        return 1
    print(f"messages: every marked text has its Hindi translation ({', '.join(DOMAINS)})")
    return 0


def compile_all() -> int:
    for po in _po_files():
        subprocess.run(["msgfmt", "--check", "-o", str(po.with_suffix(".mo")), str(po)], check=True)
    return 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command == "check":
        sys.exit(check(keep=False))
    if command == "update":
        sys.exit(check(keep=True))
    if command == "compile":
        sys.exit(compile_all())
    sys.exit(f"usage: {sys.argv[0]} check|update|compile")
