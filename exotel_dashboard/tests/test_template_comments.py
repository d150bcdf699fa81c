"""Django's `{# #}` comments end on their own line: one spread over two lines is printed on the page."""

import re
from pathlib import Path

from django.conf import settings

OPEN_COMMENT = re.compile(r"\{#(?!.*#\})")


def test_no_template_starts_a_one_line_comment_it_does_not_end_on_that_line():
    unended = [
        f"{path.relative_to(settings.BASE_DIR)}:{number}"
        for folder in settings.TEMPLATES[0]["DIRS"]
        for path in sorted(Path(folder).rglob("*.html"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if OPEN_COMMENT.search(line)
    ]
    assert unended == []


def test_the_call_log_prints_no_template_comment(client, manager):
    client.force_login(manager)
    page = client.get("/calls/").content.decode()
    assert "{#" not in page and "widget template per box" not in page
