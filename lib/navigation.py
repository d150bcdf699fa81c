"""Which item of the navigation the page belongs to, for `aria-current` (a context processor)."""

# URL name prefixes, first match wins: a call's page and the export belong to the call log, the number
# look-up to placing a call.
SECTIONS = [
    ("call-new", "call-new"),
    ("number-lookup", "call-new"),
    ("call-", "call-log"),
    ("live", "live"),
    ("campaign", "campaigns"),
    ("missed", "missed"),
    ("saved-view", "saved-views"),
    ("sync-health", "sync-health"),
    ("audit-", "audit-log"),
    ("home", "home"),
]


def section_of(namespace, url_name):
    if namespace == "admin":
        return "admin", "admin:index"
    for prefix, section in SECTIONS:
        if url_name.startswith(prefix):
            return section, section
    return None, None


def active_section(request):
    """`nav_section` names the item to mark; `nav_current` is "page" on the item's own page, else "true"
    (a call's page is within the call log, but is not the call log)."""
    match = getattr(request, "resolver_match", None)
    if match is None or not match.url_name:
        return {}
    section, section_page = section_of(match.namespace, match.url_name)
    if section is None:
        return {}
    here = match.view_name == section_page
    return {"nav_section": section, "nav_current": "page" if here else "true"}
