"""Text as every database keeps it: PostgreSQL refuses NUL in text and in JSON."""


def storable(value):
    """Strings, and JSON's keys and strings, with each NUL written as the two characters \\x00."""
    if isinstance(value, str):
        return value.replace("\x00", "\\x00")
    if isinstance(value, dict):
        return {storable(key): storable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [storable(item) for item in value]
    return value
