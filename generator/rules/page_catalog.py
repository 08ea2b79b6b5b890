"""Page cataloging: pagecataloging/*.json files that add pages to the admin navigation."""

from __future__ import annotations

import json
from typing import Any

from generator.rules.registry import define_rule
from generator.rules.scan import LineIndex, Scan

JSON = define_rule(
    "page-catalog.json",
    "A page cataloging file is valid JSON.",
)
STRUCTURE = define_rule(
    "page-catalog.structure",
    'A page cataloging file is {"pages": [...]} and each page has a non-empty htmlID, title '
    "and pageURL.",
)
PAGE_URL = define_rule(
    "page-catalog.page-url",
    "A cataloged pageURL begins with /admin: page cataloging only adds admin pages.",
)

PAGECATALOGING = "pagecataloging"
REQUIRED_KEYS = ("htmlID", "title", "pageURL")


def check_page_catalog(scan: Scan) -> None:
    """Check every .json file in pagecataloging."""
    for path in scan.under(PAGECATALOGING):
        if path.endswith(".json"):
            _check_file(scan, path)


def _check_file(scan: Scan, path: str) -> None:
    text = scan.text(path)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        scan.report(
            JSON,
            path,
            f"not valid JSON: {error.msg}",
            line=error.lineno,
            col=error.colno,
        )
        return
    except RecursionError:
        scan.report(JSON, path, "the JSON is nested too deeply to read")
        return

    pages = document.get("pages") if isinstance(document, dict) else None
    if not isinstance(pages, list):
        scan.report(
            STRUCTURE,
            path,
            'the file must be an object with a "pages" list: {"pages": [{"htmlID": ..., '
            '"title": ..., "pageURL": "/admin/..."}]}',
            key_path="pages",
        )
        return
    lines = LineIndex(text)
    for index, page in enumerate(pages):
        _check_page(scan, path, text, lines, index, page)


def _check_page(scan: Scan, path: str, text: str, lines: LineIndex, index: int, page: Any) -> None:
    where = f"pages[{index}]"
    if not isinstance(page, dict):
        scan.report(STRUCTURE, path, f"{where} is not an object", key_path=where)
        return
    line, col = _locate(text, lines, page)
    for key in REQUIRED_KEYS:
        value = page.get(key)
        if not isinstance(value, str) or not value.strip():
            scan.report(
                STRUCTURE,
                path,
                f"the page needs a non-empty string {key}",
                line=line,
                col=col,
                key_path=f"{where}.{key}",
            )
    url = page.get("pageURL")
    if isinstance(url, str) and url.strip() and not url.startswith("/admin"):
        scan.report(
            PAGE_URL,
            path,
            f"pageURL {url} does not begin with /admin; page cataloging adds admin pages only: "
            "use the page's path such as /admin/backpack/home.html",
            line=line,
            col=col,
            key_path=f"{where}.pageURL",
        )


def _locate(text: str, lines: LineIndex, page: dict[str, Any]) -> tuple[int, int]:
    """Where a page object probably is: JSON keeps no positions, so look for its values."""
    for key in ("htmlID", "pageURL", "title"):
        value = page.get(key)
        if isinstance(value, str) and value:
            offset = text.find(json.dumps(value, ensure_ascii=False))
            if offset >= 0:
                return lines.position(offset)
    return 1, 1
