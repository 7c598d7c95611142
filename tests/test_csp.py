"""The Content-Security-Policy allows no inline script, style or event handler: no template of
the portal may contain one (tests/browser/test_csp.py proves the pages in chromium)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = sorted(
    path
    for path in ROOT.glob("**/templates/**/*.html")
    if not {".venv", "node_modules", "staticfiles"} & set(path.relative_to(ROOT).parts)
)

# <script> without src= that is not a JSON data block (json_script is allowed: never executed).
INLINE_SCRIPT = re.compile(
    r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE
)
FORBIDDEN = {
    "inline script": INLINE_SCRIPT,
    "event handler attribute": re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE),
    "style attribute": re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE),
    "style element": re.compile(r"<style\b", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


def test_templates_were_found():
    assert ROOT / "templates" / "base.html" in TEMPLATES
    assert len(TEMPLATES) > 20


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_template_has_nothing_inline(template: Path):
    text = template.read_text(encoding="utf-8")
    found = [
        "%s: %s" % (what, match.group(0)[:80])
        for what, pattern in FORBIDDEN.items()
        for match in pattern.finditer(text)
    ]
    assert found == []
