"""An entry's details as people read them: "duration at least: 30 · status: completed, busy", never a dict."""

SEPARATOR = " · "
# The call log's filter names end like Django lookups (calls/log/filters.py).
LOOKUP_WORDS = (("__gte", " at least"), ("__lte", " at most"), ("__gt", " over"), ("__lt", " under"))


def key_in_words(key):
    for lookup, words in LOOKUP_WORDS:
        if key.endswith(lookup):
            key = key.removesuffix(lookup) + words
            break
    return key.replace("_", " ").strip()


def value_in_words(value):
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(value_in_words(item) for item in value)
    return str(value)


def _pairs(details):
    # In key order: PostgreSQL's jsonb keeps keys in an order of its own, SQLite in the writer's.
    for key, value in sorted(details.items()):
        if isinstance(value, dict):
            yield from _pairs(value) if value else [f"{key_in_words(key)}: none"]
        elif value not in ("", None, [], ()):
            yield f"{key_in_words(key)}: {value_in_words(value)}"


def details_in_words(details):
    """Key: value pairs joined by " · ", by key; a nested group (an export's filters) is read out in place,
    empty values are left out. A dash when nothing is left."""
    if not isinstance(details, dict):
        return value_in_words(details) if details not in ("", None, [], ()) else "—"
    return SEPARATOR.join(_pairs(details)) or "—"
