"""The uploaded list of contacts, as Excel and Google Sheets save it and as people get it wrong."""

import pytest

from campaigns.contacts_csv import UnreadableList, read_contacts
from campaigns.models import MAX_CONTACTS

EXOPHONES = {"+918030752400": "Bengaluru support"}
AGENTS = {"+919845012301": "Asha"}


def read(text):
    data = text if isinstance(text, bytes) else text.encode()
    return read_contacts(data, exophones=EXOPHONES, agent_phones=AGENTS)


def refused_as_whole(text):
    with pytest.raises(UnreadableList) as refusal:
        read(text)
    return str(refusal.value)


def numbers(parsed):
    return [(line, number) for line, number, _name, _custom in parsed.contacts]


def test_a_header_row_names_the_columns_in_any_order_and_case():
    parsed = read("Custom Field,Name,NUMBER\nINV-1,Asha Rao,9876543210\n")
    assert parsed.has_header
    assert parsed.contacts == [(2, "+919876543210", "Asha Rao", "INV-1")]
    assert parsed.refused == []


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("9876543210", (1, "+919876543210", "", "")),
        ("9876543210,Asha", (1, "+919876543210", "Asha", "")),
        ("9876543210,Asha,INV-7", (1, "+919876543210", "Asha", "INV-7")),
    ],
)
def test_without_a_header_one_to_three_columns_are_number_name_custom_field(row, expected):
    parsed = read(f"{row}\n")
    assert not parsed.has_header
    assert parsed.contacts == [expected]


def test_excel_csv_utf8_with_a_byte_order_mark_reads_as_without_one():
    text = "number,name\r\n9876543210,Asha Rao\r\n9876543211,Ravi Kumar\r\n"
    with_bom = read(b"\xef\xbb\xbf" + text.encode())
    without = read(text)
    assert with_bom.has_header and without.has_header
    assert (
        with_bom.contacts
        == without.contacts
        == [
            (2, "+919876543210", "Asha Rao", ""),
            (3, "+919876543211", "Ravi Kumar", ""),
        ]
    )


def test_a_bom_before_a_list_without_a_header():
    parsed = read(b"\xef\xbb\xbf9876543210,Asha\n")
    assert parsed.contacts == [(1, "+919876543210", "Asha", "")]


def test_quoted_fields_keep_commas_and_newlines_and_a_record_is_numbered_by_its_first_line():
    text = (
        "number,name,custom_field\r\n"
        '"9876543210","Rao, Asha","INV-1"\r\n'
        '"9876543211","Kumar\r\nRavi","two\nlines"\r\n'
        "not a number,Someone,\r\n"
    )
    parsed = read(text)
    assert parsed.contacts == [
        (2, "+919876543210", "Rao, Asha", "INV-1"),
        (3, "+919876543211", "Kumar\r\nRavi", "two\nlines"),
    ]
    assert [(line, value) for line, value, _ in parsed.refused] == [(6, "not a number")]


def test_blank_lines_are_skipped_but_counted_in_line_numbers():
    parsed = read("number\n\n9876543210\n   \n,,\n\nabc\n")
    assert numbers(parsed) == [(3, "+919876543210")]
    assert [line for line, _, _ in parsed.refused] == [7]
    assert parsed.rows == 2


def test_crlf_cr_and_lf_line_ends_read_the_same():
    for end in ("\r\n", "\n", "\r"):
        parsed = read(end.join(["number", "9876543210", "9876543211", ""]))
        assert numbers(parsed) == [(2, "+919876543210"), (3, "+919876543211")], repr(end)


FORMS = ["9876543210", "09876543210", "+919876543210", "+91 98765 43210", "919876543210", "098765-43210"]


@pytest.mark.parametrize("written", FORMS)
def test_every_common_indian_form_becomes_the_same_e164(written):
    assert numbers(read(f"number\n{written}\n")) == [(2, "+919876543210")]


def test_the_same_number_written_differently_is_a_duplicate_of_its_first_line():
    parsed = read(
        "number,name\n9876543210,First\n09876543210,Again\n+91 98765 43210,Third\n9876543211,Other\n"
    )
    assert numbers(parsed) == [(2, "+919876543210"), (5, "+919876543211")]
    assert parsed.refused == [
        (3, "09876543210", "The same number as line 2."),
        (4, "+91 98765 43210", "The same number as line 2."),
    ]


def test_our_exophone_and_an_agents_phone_are_never_dialled():
    parsed = read("number\n080 3075 2400\n+919845012301\n9876543210\n")
    assert numbers(parsed) == [(4, "+919876543210")]
    assert parsed.refused == [
        (2, "080 3075 2400", "One of our ExoPhones (Bengaluru support)."),
        (3, "+919845012301", "An agent's phone (Asha)."),
    ]


def test_rows_that_are_not_phone_numbers_are_refused_each_with_its_reason():
    parsed = read("number,name\n,No number\n12345,Short\n98765abc10,Letters\n9876543210,Good\n")
    assert numbers(parsed) == [(5, "+919876543210")]
    reasons = {line: reason for line, _, reason in parsed.refused}
    assert reasons[2] == "No number."
    assert reasons[3] == "This number does not exist; check the digits and the STD code."
    assert reasons[4].startswith("This is not a phone number.")


@pytest.mark.parametrize("column", ["phone", "Phone Number", "mobile", "numbers"])
def test_a_wrong_name_for_the_number_column_is_an_error_for_the_whole_file(column):
    message = refused_as_whole(f"{column},name\n9876543210,Asha\n")
    assert "no column is called number" in message
    assert column in message


def test_an_unknown_header_column_is_named():
    message = refused_as_whole("number,name,city\n9876543210,Asha,Pune\n")
    assert "unknown: city" in message
    assert "number, name, custom_field" in message


def test_a_column_named_twice_is_named():
    message = refused_as_whole("number,name,Number\n9876543210,Asha,9876543211\n")
    assert "given twice: number" in message


def test_more_cells_than_columns_says_which_line():
    assert refused_as_whole("number,name\n9876543210,Asha\n9876543211,Ravi,extra\n").startswith(
        "Line 3 has 3 columns, more than the 2 (number, name)"
    )
    assert refused_as_whole("9876543210,Asha,INV-1,extra\n").startswith("Line 1 has 4 columns")


def test_fewer_cells_than_the_header_leaves_the_rest_empty():
    parsed = read("number,name,custom_field\n9876543210\n")
    assert parsed.contacts == [(2, "+919876543210", "", "")]


def test_the_largest_list_allowed_is_read_whole():
    rows = "\n".join(str(9_000_000_000 + i) for i in range(MAX_CONTACTS))
    parsed = read(f"number\n{rows}\n")
    assert len(parsed.contacts) == MAX_CONTACTS
    assert parsed.refused == []
    assert parsed.contacts[-1][:2] == (MAX_CONTACTS + 1, f"+91{9_000_000_000 + MAX_CONTACTS - 1}")


def test_one_row_more_is_refused_naming_the_row():
    rows = "\n".join(str(9_000_000_000 + i) for i in range(MAX_CONTACTS + 1))
    message = refused_as_whole(f"number\n{rows}\n")
    assert f"more than {MAX_CONTACTS:,} rows" in message
    assert f"line {MAX_CONTACTS + 2} is row {MAX_CONTACTS + 1:,}" in message


def test_refused_rows_count_towards_the_limit_too():
    rows = "\n".join(["abc"] * MAX_CONTACTS + ["9876543210"])
    assert "more than 100,000 rows" in refused_as_whole(f"number\n{rows}\n")


def test_latin_1_bytes_are_refused_with_how_to_save_utf8():
    message = refused_as_whole("number,name\n9876543210,José\n".encode("latin-1"))
    assert message.startswith("Line 2 is not UTF-8 text.")
    assert "CSV UTF-8" in message


def test_a_utf16_file_is_refused_not_read_as_garbage():
    message = refused_as_whole("number\n9876543210\n".encode("utf-16"))
    assert "not UTF-8 text" in message


def test_a_nul_byte_is_refused_naming_its_line():
    assert refused_as_whole(b"number\n9876543210\n98765\x0043211\n") == (
        "Line 3 holds a NUL character: this is not a text (CSV) file."
    )


@pytest.mark.parametrize("text", ["", "\n\n", " \r\n ,, \n", "\ufeff"])
def test_an_empty_file_is_refused(text):
    assert refused_as_whole(text) == "The file has no rows."


def test_a_header_without_contacts_is_refused():
    assert refused_as_whole("number,name,custom_field\r\n\r\n") == (
        "The file has a header row but no contacts under it."
    )


def test_hostile_values_are_kept_as_text_or_refused_never_an_error():
    long_name = "N" * 121
    text = (
        "number,name,custom_field\n"
        "9876543210,=1+1,@SUM(A1)\n"  # formulas are only text here; the export guards them
        f"9876543211,{long_name},\n"
        f"9876543212,Asha,{'c' * 129}\n"
        f"{'9' * 100_000},Huge,\n"
        "९८७६५४३२१०,Devanagari digits,\n"
        "\uff19\uff18\uff17\uff16\uff15\uff14\uff13\uff12\uff11\uff10,Fullwidth digits,\n"
        "+91 98765 43213;ext=1,Extension,\n"
        '"=HYPERLINK(""http://x"")",Formula as number,\n'
    )
    parsed = read(text)
    assert parsed.contacts == [(2, "+919876543210", "=1+1", "@SUM(A1)")]
    reasons = {line: (value, reason) for line, value, reason in parsed.refused}
    assert reasons[3][1] == "The name is longer than 120 characters."
    assert reasons[4][1] == "The custom field is longer than 128 characters."
    assert reasons[5] == ("9" * 200, "This is too long for one phone number: at most 32 characters.")
    assert reasons[6][1] == reasons[7][1] == "Use the digits 0-9 only."
    assert reasons[8][1].startswith("This is not a phone number.")
    assert reasons[9][1].startswith("This is not a phone number.")
    assert len(reasons) == 7


def test_a_quote_left_open_is_an_error_naming_its_line_not_the_rest_of_the_file_in_one_cell():
    message = refused_as_whole('number,name\n9876543210,Asha\n9876543211,"Ravi\n9876543212,Meera\n')
    assert message.startswith("Line 3 is not valid CSV")


def test_text_after_a_closing_quote_is_an_error_naming_its_line():
    assert refused_as_whole('number,name\n9876543210,"Rao" Asha\n').startswith("Line 2 is not valid CSV")


def test_empty_columns_excel_adds_at_the_right_are_ignored():
    """A sheet once formatted further right saves every row with trailing commas."""
    with_header = read("number,name,custom_field,,\r\n9876543210,Asha,INV-1,,\r\n9876543211,,,,\r\n")
    assert with_header.contacts == [(2, "+919876543210", "Asha", "INV-1"), (3, "+919876543211", "", "")]
    without = read("9876543210,Asha,,,\r\n")
    assert without.contacts == [(1, "+919876543210", "Asha", "")]


def test_a_value_in_a_column_without_a_name_is_still_refused():
    assert refused_as_whole("number,name\n9876543210,Asha,,x\n").startswith("Line 2 has 4 columns")


@pytest.mark.parametrize("separator", [";", "\t"])
def test_excel_with_a_comma_decimal_mark_saves_semicolons_and_a_tab_separated_file_reads_too(separator):
    parsed = read(f"number{separator}name\n09876543210{separator}Asha, Rao\n9876543211{separator}Ravi\n")
    assert [(line, number, name) for line, number, name, _ in parsed.contacts] == [
        (2, "+919876543210", "Asha, Rao"),
        (3, "+919876543211", "Ravi"),
    ]
