"""Read a campaign's list of customers: a CSV as Excel and Google Sheets save it, checked row by row.

Columns `number` (required), `name` and `custom_field`, named in a header row or, without one, in that order.
Every line that will not be dialled is kept with its line number and the reason, for the preview.
"""

import csv
import io
from dataclasses import dataclass, field

from lib.phone import InvalidNumber, to_e164

from .models import MAX_CONTACTS

COLUMNS = ("number", "name", "custom_field")
LIMITS = {"name": 120, "custom_field": 128}
MAX_FILE_BYTES = 32 * 1024 * 1024


class UnreadableList(ValueError):
    """The file as a whole cannot be read as a list of contacts; the message says why in words."""


@dataclass
class ParsedList:
    contacts: list = field(default_factory=list)  # (line, number, name, custom_field)
    refused: list = field(default_factory=list)  # (line, value as written, reason)
    has_header: bool = False

    @property
    def rows(self):
        return len(self.contacts) + len(self.refused)


def read_contacts(data: bytes, *, exophones: dict, agent_phones: dict) -> ParsedList:
    """Parse the uploaded bytes. `exophones` and `agent_phones` map E.164 numbers to names, never dialled."""
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableList(f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB.")
    text = _decode(data)
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise UnreadableList(f"Line {line} holds a NUL character: this is not a text (CSV) file.")
    parsed = ParsedList()
    records = _records(text)
    first = next(records, None)
    if first is None:
        raise UnreadableList("The file has no rows.")
    line, cells = first
    columns = _header(cells)
    if columns is None:
        columns = COLUMNS
        records = _chain_first(first, records)
    else:
        parsed.has_header = True
    positions = {name: columns.index(name) for name in COLUMNS if name in columns}
    seen = {}
    for line, cells in records:
        if parsed.rows >= MAX_CONTACTS:
            raise UnreadableList(
                f"The list has more than {MAX_CONTACTS:,} rows (line {line} is row {MAX_CONTACTS + 1:,}): "
                "split it into several campaigns."
            )
        if len(cells) > len(columns):
            raise UnreadableList(
                f"Line {line} has {len(cells)} columns, more than the {len(columns)} ({', '.join(columns)}) "
                + ("the header names." if parsed.has_header else "a list without a header has.")
            )
        values = {name: cells[i].strip() if i < len(cells) else "" for name, i in positions.items()}
        written = values["number"]
        number, reason = _checked(values, exophones, agent_phones, seen)
        if reason:
            parsed.refused.append((line, written[:200], reason[:200]))  # an agent's name may be long
            continue
        seen[number] = line
        parsed.contacts.append((line, number, values.get("name", ""), values.get("custom_field", "")))
    if not parsed.rows:
        raise UnreadableList("The file has a header row but no contacts under it.")
    return parsed


def _decode(data):
    try:
        return data.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a byte order mark
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise UnreadableList(
            f'Line {line} is not UTF-8 text. Save the list as "CSV UTF-8" (Excel) or download it as CSV '
            "(Google Sheets)."
        ) from None


def _records(text):
    """(line the record starts on, cells up to the last one filled in) for every record that is not blank."""
    # Strict: a quote left open would otherwise swallow every row after it into one cell, silently.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True, delimiter=_delimiter(text))
    start = 1
    try:
        for cells in reader:
            while cells and not cells[-1].strip():  # Excel's empty columns at the right
                cells.pop()
            if cells:
                yield start, cells
            start = reader.line_num + 1
    except csv.Error as exc:
        raise UnreadableList(f"Line {start} is not valid CSV ({exc}).") from None


def _delimiter(text):
    """Excel where the decimal mark is a comma saves "CSV" with semicolons; a tab-separated file has tabs."""
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    if "," not in first_line:
        for other in (";", "\t"):
            if other in first_line:
                return other
    return ","


def _chain_first(first, rest):
    yield first
    yield from rest


def _header(cells):
    """The column names if this first row is a header, None if it is already a contact."""
    names = [cell.strip().lower().replace(" ", "_") for cell in cells]
    if "number" in names:
        unknown = [cell.strip() for cell, name in zip(cells, names, strict=True) if name not in COLUMNS]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if unknown or repeated:
            what = f"unknown: {', '.join(unknown)}" if unknown else f"given twice: {', '.join(repeated)}"
            raise UnreadableList(
                f"The header row names a column this list does not take ({what}). "
                f"The columns are {', '.join(COLUMNS)}."
            )
        return names
    first = cells[0].strip()
    try:
        to_e164(first)
        return None
    except InvalidNumber:
        pass
    if any(char.isalpha() for char in first):
        found = ", ".join(cell.strip() for cell in cells if cell.strip())
        raise UnreadableList(
            f"The first row looks like a header, but no column is called number (found: {found}). "
            f"Name the column of phone numbers number; the others may be {', '.join(COLUMNS[1:])}."
        )
    return None  # a first contact whose number is wrong: refused on its own line


def _checked(values, exophones, agent_phones, seen):
    """(the contact's E.164 number, None), or (None, the reason it will not be dialled)."""
    written = values["number"]
    if not written:
        return None, "No number."
    try:
        number = to_e164(written)
    except InvalidNumber as exc:
        return None, str(exc)
    if number in seen:
        return None, f"The same number as line {seen[number]}."
    if number in exophones:
        return None, f"One of our ExoPhones ({exophones[number]})."
    if number in agent_phones:
        return None, f"An agent's phone ({agent_phones[number]})."
    for name, limit in LIMITS.items():
        if len(values.get(name, "")) > limit:
            return None, f"The {name.replace('_', ' ')} is longer than {limit} characters."
    return number, None
