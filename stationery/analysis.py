"""Reading a document once, properly: each page's size and whether it has colour on it.

Pages are rendered at low resolution by PDFium (pypdfium2) in child processes
(`render_worker.py`) that run under a memory limit (RLIMIT_AS, PRINT_ANALYSIS_MEMORY_MB)
and a CPU limit, and are killed when they pass their wall-clock time
(PRINT_ANALYSIS_TIMEOUT_SECONDS in a request, PRINT_ANALYSIS_TASK_TIMEOUT_SECONDS in the
background task). A large file is split among PRINT_ANALYSIS_PROCESSES renderers. A file
PDFium cannot render, or that takes too long or too much memory to render, is refused with
`InvalidFile`. All settings are read at use.
"""

from __future__ import annotations

import json
import logging
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django.conf import settings
from django.utils.translation import gettext as _

from .errors import InvalidFile

logger = logging.getLogger(__name__)

WORKER = Path(__file__).with_name("render_worker.py")
# 50 dpi: enough to see a coloured chart or heading, cheap enough for hundreds of pages.
RENDER_SCALE = 50 / 72
PREVIEW_WIDTH = 180
# A file is split among several renderers only when each gets at least this many pages.
PARALLEL_FROM = 24


@dataclass(frozen=True)
class PageAnalysis:
    pages: int
    # (width, height) in points, page by page.
    sizes: list[tuple[float, float]]
    # Of the pages rendered, those with colour on them.
    colour_pages: list[int]
    # Page number → PNG bytes, when previews were asked for.
    previews: dict[int, bytes] = field(default_factory=dict)


def _limits(memory_mb: int, cpu_seconds: int):
    def apply() -> None:  # runs in the child, before the worker starts
        memory = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))

    return apply


def _command(pdf_path: str, out_dir: str | None, pages: list[int]) -> list[str]:
    return [
        sys.executable,
        "-I",  # isolated: no user site, no PYTHON* variables, no cwd on the path
        str(WORKER),
        pdf_path,
        out_dir or "-",
        ",".join(str(number) for number in pages),
        repr(RENDER_SCALE),
        str(PREVIEW_WIDTH),
    ]


def _chunks(pages: list[int]) -> list[list[int]]:
    """The pages split among PRINT_ANALYSIS_PROCESSES workers, at least PARALLEL_FROM pages each."""
    count = max(1, min(int(settings.PRINT_ANALYSIS_PROCESSES), len(pages) // PARALLEL_FROM))
    return [pages[index::count] for index in range(count)] if pages else [pages]


def _run_worker(pdf_path: str, out_dir: str | None, pages: list[int], *, timeout: float) -> dict:
    """Render `pages` in one or more limited child processes; all of them die at `timeout`."""
    deadline = time.monotonic() + timeout
    limits = _limits(settings.PRINT_ANALYSIS_MEMORY_MB, max(1, int(timeout) + 1))
    # The child runs the interpreter by its full path and needs nothing of this environment.
    env = {"PATH": "/usr/bin:/bin", "OMP_NUM_THREADS": "1"}
    children = [
        subprocess.Popen(
            _command(pdf_path, out_dir, chunk),
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            preexec_fn=limits,
            env=env,
        )
        for chunk in _chunks(pages)
    ]
    results = []
    try:
        for child in children:
            stdout, _stderr = child.communicate(timeout=max(0.01, deadline - time.monotonic()))
            try:
                result = json.loads(stdout.decode() or "{}")
            except ValueError:
                result = {}
            if child.returncode != 0 or "error" in result or "pages" not in result:
                logger.info(
                    "print file refused by the renderer",
                    extra={"returncode": child.returncode, "error": result.get("error", "")},
                )
                raise InvalidFile(_("The document cannot be rendered for printing (it may be damaged or too complex)."))
            results.append(result)
    except subprocess.TimeoutExpired:
        logger.warning("print file render timed out", extra={"pages": len(pages), "timeout": timeout})
        raise InvalidFile(_("The file takes too long to read. Save it again as a simpler PDF and retry.")) from None
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
            child.wait()
    return {
        "pages": results[0]["pages"],
        "sizes": results[0]["sizes"],
        "colour": [number for result in results for number in result["colour"]],
    }


def analyse_pdf(
    source: IO[bytes] | str, *, pages: list[int], previews: bool = False, timeout: float | None = None
) -> PageAnalysis:
    """Render `pages` (1-based) of the PDF in `source` (a seekable stream, or a file path).

    Returns the page count and sizes, which of `pages` have colour, and (with `previews`) a PNG
    of each. Raises InvalidFile when the renderer refuses the file or passes its limits.
    """
    timeout = float(settings.PRINT_ANALYSIS_TIMEOUT_SECONDS if timeout is None else timeout)
    with tempfile.TemporaryDirectory(prefix="tnt-render-") as work:
        if isinstance(source, str):
            pdf_path = source
        else:
            pdf_path = os.path.join(work, "document.pdf")
            source.seek(0)
            with open(pdf_path, "wb") as out:
                for chunk in iter(lambda: source.read(1024 * 1024), b""):
                    out.write(chunk)
            source.seek(0)
        out_dir = None
        if previews:
            out_dir = os.path.join(work, "previews")
            os.mkdir(out_dir)
        result = _run_worker(pdf_path, out_dir, pages, timeout=timeout)
        images: dict[int, bytes] = {}
        if out_dir:
            for number in pages:
                path = os.path.join(out_dir, f"{number}.png")
                if os.path.exists(path):
                    with open(path, "rb") as handle:
                        images[number] = handle.read()
    return PageAnalysis(
        pages=int(result["pages"]),
        sizes=[(float(w), float(h)) for w, h in result["sizes"]],
        colour_pages=sorted(int(n) for n in result["colour"]),
        previews=images,
    )
