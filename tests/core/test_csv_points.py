"""Tests for app/core/csv_points.py: good files, task detection, every error code and row."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.csv_points import MAX_BYTES, MAX_ERRORS, MIN_ROWS, CsvError, RowError, parse_csv
from app.core.datasets import dataset_from_points


def rows(n: int = 12, labels: list[str] | None = None, sep: str = ",") -> list[str]:
    labels = labels or [str(i % 2) for i in range(n)]
    return [f"{i / 10:.1f}{sep}{-i / 5:.1f}{sep}{labels[i % len(labels)]}" for i in range(n)]


def csv(lines: list[str], end: str = "\n") -> bytes:
    return (end.join(lines) + end).encode()


def errors_of(data: bytes | str) -> list[RowError]:
    with pytest.raises(CsvError) as err:
        parse_csv(data)
    return err.value.errors


def only_error(data: bytes | str) -> RowError:
    errs = errors_of(data)
    assert len(errs) == 1, errs
    return errs[0]


# --- good files -----------------------------------------------------------------------------

def test_parse_csv_plain_commas_no_header():
    p = parse_csv(csv(rows(12)))
    assert p.x.shape == (12, 2) and p.x.dtype == np.float64
    np.testing.assert_allclose(p.x[3], [0.3, -0.6])
    np.testing.assert_array_equal(p.y, [0.0, 1.0] * 6)
    assert (p.task, p.n_classes, p.has_header, p.delimiter) == ("binary", 2, False, ",")
    assert p.class_values == (0.0, 1.0) and p.target_range is None


def test_parse_csv_header_detected_and_skipped():
    p = parse_csv(csv(["x1,x2,label", *rows(12)]))
    assert p.has_header and len(p.x) == 12


def test_parse_csv_semicolons_with_header():
    p = parse_csv(csv(["x;y;clase", *rows(12, sep=";")]))
    assert (p.delimiter, p.has_header, len(p.x)) == (";", True, 12)
    np.testing.assert_allclose(p.x[5], [0.5, -1.0])


@pytest.mark.parametrize("end", ["\r\n", "\r", "\n"])
def test_parse_csv_line_endings(end):
    p = parse_csv(csv(["x1,x2,label", *rows(12)], end=end))
    assert len(p.x) == 12


def test_parse_csv_utf8_bom_without_header():
    p = parse_csv(b"\xef\xbb\xbf" + csv(rows(12)))
    assert not p.has_header and p.x[0, 0] == 0.0


def test_parse_csv_utf8_bom_with_header_and_str_input():
    assert parse_csv(b"\xef\xbb\xbf" + csv(["x1,x2,y", *rows(10)])).has_header
    assert len(parse_csv("\ufeff" + "\n".join(rows(10))).x) == 10


def test_parse_csv_tolerates_blanks_spaces_quotes_and_number_forms():
    lines = ['"x1", "x2", "label"', "", *[f' {r} ' for r in rows(9)], "   ",
             '"1e-3", +.5 ,"1"', "5., -2E+1, 0", ""]
    p = parse_csv(csv(lines))
    assert len(p.x) == 11
    np.testing.assert_allclose(p.x[-2:], [[0.001, 0.5], [5.0, -20.0]])


def test_parse_csv_then_dataset_from_points():
    p = parse_csv(csv(rows(20, labels=["1", "2", "5"])))
    d = dataset_from_points(p.x, p.y, p.task, 0.5, np.random.default_rng(0))
    assert (d.task, d.n_classes, len(d.x_train), len(d.x_test)) == ("multiclass", 3, 10, 10)


# --- task detection -------------------------------------------------------------------------

@pytest.mark.parametrize(("labels", "values"), [(["0", "1"], (0.0, 1.0)),
                                                (["-1", "1"], (-1.0, 1.0)),
                                                (["2", "1"], (1.0, 2.0)),
                                                (["1.0", "0.0"], (0.0, 1.0)),
                                                (["7", "30"], (7.0, 30.0))])
def test_parse_csv_two_integer_labels_are_binary_smaller_is_0(labels, values):
    p = parse_csv(csv(rows(12, labels=labels)))
    assert (p.task, p.n_classes, p.class_values) == ("binary", 2, values)
    first = float(labels[0])
    np.testing.assert_array_equal(p.y, [float(first == values[1]), float(first != values[1])] * 6)
    assert p.y.dtype == np.float64


def test_parse_csv_integer_labels_0_to_9_are_multiclass_in_sorted_order():
    p = parse_csv(csv(rows(12, labels=["5", "1", "2"])))
    assert (p.task, p.n_classes, p.class_values) == ("multiclass", 3, (1.0, 2.0, 5.0))
    np.testing.assert_array_equal(p.y, [2, 0, 1] * 4)
    assert p.y.dtype == np.int64


def test_parse_csv_ten_classes():
    p = parse_csv(csv(rows(20, labels=[str(i) for i in range(10)])))
    assert (p.task, p.n_classes) == ("multiclass", 10)
    np.testing.assert_array_equal(p.y, list(range(10)) * 2)


@pytest.mark.parametrize("labels", [["0.5", "-0.25", "1"], ["-1", "0", "1"]])
def test_parse_csv_regression_targets_in_range_kept(labels):
    p = parse_csv(csv(rows(12, labels=labels)))
    assert (p.task, p.n_classes, p.target_range, p.class_values) == ("regression", 0, None, ())
    np.testing.assert_array_equal(p.y, [float(v) for v in labels] * 4)


@pytest.mark.parametrize("labels", [["0", "25.5", "100"], ["0", "5", "10"], ["-3", "1", "4"]])
def test_parse_csv_regression_targets_rescaled_min_to_minus1_max_to_1(labels):
    p = parse_csv(csv(rows(12, labels=labels)))
    low, high = float(labels[0]), float(labels[-1])
    assert p.task == "regression" and p.target_range == (low, high)
    expected = [2 * (float(v) - low) / (high - low) - 1 for v in labels] * 4
    np.testing.assert_allclose(p.y, expected)
    assert p.y.min() == -1.0 and p.y.max() == 1.0


def test_parse_csv_single_label_value_rejected():
    e = only_error(csv(rows(12, labels=["1"])))
    assert (e.code, e.row, e.column) == ("labels", None, None)


# --- sizes ----------------------------------------------------------------------------------

def test_parse_csv_accepts_10_and_5000_rows():
    assert len(parse_csv(csv(rows(10))).x) == 10
    assert len(parse_csv(csv(["x1,x2,label", *rows(5000)])).x) == 5000


def test_parse_csv_too_few_rows():
    e = only_error(csv(["x1,x2,label", *rows(9)]))
    assert (e.code, e.row) == ("too_few_rows", None) and "9 data rows" in e.message


def test_parse_csv_too_few_rows_reported_with_row_errors():
    errs = errors_of(csv(["1,2", *rows(3)]))
    assert [e.code for e in errs] == ["too_few_rows", "columns"]


def test_parse_csv_too_many_rows_points_at_first_extra_line():
    e = only_error(csv(["x1,x2,label", *rows(5001)]))
    assert (e.code, e.row) == ("too_many_rows", 5002)


def test_parse_csv_size_cap_is_inclusive():
    body = csv(rows(10))
    padded = body + b" " * (MAX_BYTES - len(body))  # trailing blank line pads to the cap
    assert len(padded) == MAX_BYTES and len(parse_csv(padded).x) == 10
    e = only_error(padded + b" ")
    assert (e.code, e.row) == ("too_large", None)


def test_parse_csv_oversize_rejected_fast_before_decoding():
    huge = b"\xff" * 50_000_000  # would be an encoding error if it were decoded
    start = time.perf_counter()
    e = only_error(huge)
    assert e.code == "too_large" and time.perf_counter() - start < 0.5
    assert only_error("1,2,0\n" * 40_000).code == "too_large"
    assert only_error("é" * (MAX_BYTES // 2 + 1)).code == "too_large"  # bytes, not characters


def test_parse_csv_empty_files():
    for data in (b"", b"\n\n  \r\n", b"\xef\xbb\xbf"):
        e = only_error(data)
        assert (e.code, e.row) == ("empty", None)


def test_parse_csv_header_only():
    assert only_error(b"x1,x2,label\n").code == "too_few_rows"


# --- encoding -------------------------------------------------------------------------------

def test_parse_csv_latin1_rejected_with_line():
    data = csv(["x1,x2,label", *rows(3), "1,2,0", *rows(8)]).replace(b"1,2,0", b"1,2,\xe9")
    e = only_error(data)
    assert (e.code, e.row) == ("encoding", 5) and "UTF-8" in e.message and "0xe9" in e.message


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_parse_csv_utf16_rejected_clearly(encoding):
    data = "\n".join(["x1,x2,label", *rows(12)]).encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    e = only_error(data)
    assert (e.code, e.row) == ("encoding", 1) and "UTF-16" in e.message


def test_parse_csv_nul_bytes_rejected():
    e = only_error(csv(rows(12)).replace(b"\n", b"\n\x00", 1))
    assert (e.code, e.row) == ("encoding", 2)


# --- malformed rows -------------------------------------------------------------------------

@pytest.mark.parametrize(("bad", "code", "column", "text"), [
    ("1.0,2.0", "columns", None, "Found 2 columns"),
    ("1.0,2.0,1,4", "columns", None, "Found 4 columns"),
    ("1.0,2.0,1,", "columns", None, "Found 4 columns"),
    ("1.0,abc,1", "number", 2, "'abc' is not a number"),
    ("1.0,2.0,red", "number", 3, "Column 3 (label): 'red'"),
    ("1_000,2.0,1", "number", 1, "not a number"),
    ("0x10,2.0,1", "number", 1, "not a number"),
    ("nan,2.0,1", "nan", 1, "NaN"),
    ("1.0,NaN,1", "nan", 2, "NaN"),
    ("1.0,2.0,-inf", "inf", 3, "infinite"),
    ("Infinity,2.0,1", "inf", 1, "infinite"),
    ("1e999,2.0,1", "inf", 1, "overflows"),
    (",2.0,1", "empty", 1, "Column 1 (x1) is empty"),
    ("1.0, ,1", "empty", 2, "is empty"),
    ('1.0,"",1', "empty", 2, "is empty"),
])
def test_parse_csv_bad_row_reports_line_column_and_code(bad, code, column, text):
    lines = ["x1,x2,label", *rows(6), bad, *rows(6)]
    e = only_error(csv(lines))
    assert (e.row, e.column, e.code) == (8, column, code)
    assert text in e.message


def test_parse_csv_thousands_separator_gets_a_hint():
    e = only_error(csv([*rows(11, sep=";"), "1.234,5;2;1"]))
    assert (e.row, e.column, e.code) == (12, 1, "number")
    assert "without thousands separators" in e.message


def test_parse_csv_unquoted_decimal_commas_in_a_comma_file_get_a_hint():
    e = only_error(csv([*rows(11), "1,5,2,5,1"]))
    assert (e.row, e.column, e.code) == (12, None, "columns")
    assert "Found 5 columns" in e.message and "';' or a TAB" in e.message


def test_parse_csv_header_with_wrong_column_count():
    e = only_error(csv(["x1,x2", *rows(12)]))
    assert (e.row, e.code) == (1, "columns") and "Header" in e.message


def test_parse_csv_non_numeric_first_row_with_numbers_is_data_not_header():
    e = only_error(csv(["0.5,oops,1", *rows(12)]))
    assert (e.row, e.column, e.code) == (1, 2, "number")


def test_parse_csv_collects_several_errors_in_file_order_with_physical_lines():
    lines = ["x1,x2,label", "", *rows(4), "a,b,1", "", "1,2", *rows(4), "1,2,nan", *rows(4)]
    errs = errors_of(csv(lines))
    assert [(e.row, e.column, e.code) for e in errs] == [
        (7, 1, "number"), (7, 2, "number"), (9, None, "columns"), (14, 3, "nan")]


def test_parse_csv_caps_errors_at_20_and_flags_truncation():
    lines = ["x1,x2,label", *["a,2,1"] * 30]
    with pytest.raises(CsvError) as err:
        parse_csv(csv(lines))
    assert len(err.value.errors) == MAX_ERRORS == 20 and err.value.truncated
    assert [e.row for e in err.value.errors] == list(range(2, 22))


def test_csv_error_to_dict_is_json_and_message_names_line():
    with pytest.raises(CsvError) as err:
        parse_csv(csv(["x1,x2,label", *rows(5), "1,x,0", *rows(5)]))
    payload = json.loads(json.dumps(err.value.to_dict()))
    assert payload == {"errors": [{"row": 7, "column": 2, "code": "number",
                                   "message": "Column 2 (x2): 'x' is not a number"}],
                       "truncated": False}
    assert isinstance(err.value, ValueError) and "line 7" in str(err.value)


# --- Spanish spreadsheets, TABs and the separator ---------------------------------------------

def spanish(n: int = 12) -> list[str]:
    """Rows as a spreadsheet in Spanish saves them: ';' and decimal commas."""
    return [f"{i / 100 + 4:.2f};{-i / 8:.3f};{i % 2}".replace(".", ",") for i in range(n)]


def test_parse_csv_spanish_spreadsheet_acceptance_example():
    p = parse_csv(csv(["x1;x2;clase", "4,07;4,18;1", *spanish(11)]))
    assert (p.delimiter, p.has_header, len(p.x)) == (";", True, 12)
    np.testing.assert_array_equal(p.x[0], [4.07, 4.18])
    assert p.class_values[int(p.y[0])] == 1


def test_parse_csv_semicolons_and_decimal_commas_without_header():
    p = parse_csv(csv(["1,5;2,5;0", *spanish(11)]))
    assert (p.delimiter, p.has_header) == (";", False)
    np.testing.assert_array_equal(p.x[0], [1.5, 2.5])


def test_parse_csv_semicolon_file_takes_both_decimal_marks():
    p = parse_csv(csv([*rows(11, sep=";"), "1,5;2.5;1"]))
    np.testing.assert_array_equal(p.x[-1], [1.5, 2.5])


@pytest.mark.parametrize("field", ["1,5E-03", "1,5e3", ",5", "5,", "-0,25", "+1,0"])
def test_parse_csv_decimal_comma_number_forms(field):
    p = parse_csv(csv([*spanish(11), f"{field};0;1"]))
    assert p.x[-1, 0] == float(field.replace(",", "."))


@pytest.mark.parametrize("decimal", [".", ","])
def test_parse_csv_tab_separated(decimal):
    lines = ["x1\tx2\tlabel", *[r.replace(",", "\t").replace(".", decimal) for r in rows(12)]]
    p = parse_csv(csv(lines))
    assert (p.delimiter, p.has_header, len(p.x)) == ("\t", True, 12)
    np.testing.assert_allclose(p.x[3], [0.3, -0.6])


def test_parse_csv_comma_file_without_decimal_commas_stays_comma():
    p = parse_csv(csv(["x1,x2,label", *[r.replace("-", "") for r in rows(12)]]))
    assert p.delimiter == "," and len(p.x) == 12


def test_parse_csv_quoted_decimal_commas_in_a_comma_file():
    p = parse_csv(csv(['"x1","x2","label"', '"1,5","2,5","0"',
                       *[f'"{i},25","{-i}",{i % 2}' for i in range(11)]]))
    assert p.delimiter == "," and p.x[0].tolist() == [1.5, 2.5] and p.x[3, 0] == 2.25


@pytest.mark.parametrize(("header", "data", "delimiter"), [
    ("x1,x2,label", spanish(12), ";"),  # the header written by hand, the rows by a spreadsheet
    ("x1;x2;clase", rows(12), ","),
    ("x1\tx2\tlabel", spanish(12), ";"),
    ('"x1";"x2";"clase"', [r.replace(";", "\t") for r in spanish(12)], "\t"),
])
def test_parse_csv_header_and_rows_with_different_separators(header, data, delimiter):
    p = parse_csv(csv([header, *data]))
    assert (p.delimiter, p.has_header, len(p.x)) == (delimiter, True, 12)


def test_parse_csv_header_with_wrong_column_count_in_any_separator():
    e = only_error(csv(["x1;x2", *spanish(12)]))
    assert (e.row, e.code) == (1, "columns") and "';'" in e.message


def test_parse_csv_separator_decided_by_most_rows_not_the_first():
    lines = ["1;2;0", *rows(12)]  # one odd row on top of a comma file
    e = only_error(csv(lines))
    assert (e.row, e.code, e.column) == (1, "columns", None)


DIALECTS = [(",", "."), (";", "."), (";", ","), ("\t", "."), ("\t", ","), (",", ",")]


@given(st.sampled_from(DIALECTS), st.booleans(),
       st.lists(st.tuples(st.floats(-1e15, 1e15), st.floats(-1e15, 1e15), st.integers(0, 1)),
                min_size=MIN_ROWS, max_size=60))
@settings(max_examples=150, deadline=None)
def test_parse_csv_reads_back_points_written_in_any_dialect(dialect, header, points):
    delimiter, decimal = dialect
    points[0], points[1] = (*points[0][:2], 0), (*points[1][:2], 1)

    def field(value: float) -> str:
        text = repr(value).replace(".", decimal)
        return f'"{text}"' if decimal == delimiter else text  # a quoted "1,5" in a comma file

    lines = [delimiter.join([field(x), field(y), str(label)]) for x, y, label in points]
    if header:
        lines.insert(0, delimiter.join(["x1", "x2", "clase"]))
    p = parse_csv(csv(lines, end="\r\n"))
    assert (p.delimiter, p.has_header, p.task) == (delimiter, header, "binary")
    assert p.x.tolist() == [[x, y] for x, y, _ in points]  # exactly: repr round-trips
    assert p.y.tolist() == [float(label) for _, _, label in points]
