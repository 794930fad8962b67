"""Hostile uploads: any bytes or CSV-ish text parse to points or to CsvError rows, never to
another exception, and ``POST /api/mlp/csv`` answers 200, 413 or 422 — never 5xx."""

from __future__ import annotations

import codecs
import math
from collections.abc import Iterator

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from app.core.csv_points import MAX_BYTES, MAX_ERRORS, MAX_ROWS, MIN_ROWS, CsvError, parse_csv
from tests.app_client import make_client
from tests.fuzz import count, deadline, fuzz_settings, no_gc, report

HANG_SECONDS = 60.0  # a hang guard, not a speed test: speed lives in bench/
CLIENT = make_client()  # module-level: hypothesis' @given and fixtures mix badly


@pytest.fixture(scope="module", autouse=True)
def _report(request: pytest.FixtureRequest) -> Iterator[None]:
    yield from report(request)


CELLS = st.one_of(
    st.integers(-10**6, 10**6).map(str),
    st.integers(0, 9).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.sampled_from(["0", "1", "-1", "2", "1.5", ".5", "5.", "+3", "1e3", "1E-3", "nan", "NaN",
                     "inf", "-Infinity", "", " ", "1,5", "0x10", "1_000", "١", "½", "1e309",
                     "9" * 400, '"1.5"', '"1,5"', '"', '""', '"a""b"', "x1", "label", "\t2\t",
                     "\u00a03", "3\u2028", "1;2", "\x0b", "\x1c", "\ufeff1"]),
    st.text(max_size=8),
)
DELIMITERS = st.sampled_from([",", ";", ",", "\t", " ", ", ", ";;"])
LINE_ENDS = st.sampled_from(["\n", "\r\n", "\r", "\n\n", "\n \n"])


@st.composite
def csv_texts(draw: st.DrawFn) -> str:
    delimiter = draw(DELIMITERS)
    ends = draw(st.lists(LINE_ENDS, min_size=1, max_size=3))
    width = draw(st.sampled_from([3, 3, 3, 2, 4, 1]))
    rows = draw(st.lists(st.lists(CELLS, min_size=max(0, width - 1), max_size=width + 1),
                         max_size=40))
    lines = [delimiter.join(row) for row in rows]
    if draw(st.booleans()):
        lines.insert(0, draw(st.sampled_from(["x1,x2,label", "x1;x2;y", "a,b", "x,y,z,w", "1,2,3",
                                              '"x1","x2","label"'])))
    text = "".join(line + ends[k % len(ends)] for k, line in enumerate(lines))
    return draw(st.sampled_from(["", "\ufeff"])) + text


@st.composite
def good_csv_texts(draw: st.DrawFn) -> str:
    """Files the parser must accept: 10+ rows of three finite numbers, labels of any kind, in
    any dialect (``,``; ``;`` or TAB with decimal points or decimal commas)."""
    labels = draw(st.sampled_from([st.sampled_from([0, 1]), st.sampled_from([-1, 1]),
                                   st.integers(0, 9), st.floats(-1e6, 1e6)]))
    n = draw(st.integers(MIN_ROWS, 80))
    coordinate = st.floats(-1e12, 1e12)
    rows = [(draw(coordinate), draw(coordinate), draw(labels)) for _ in range(n)]
    rows[0] = (rows[0][0], rows[0][1], 0)
    rows[1] = (rows[1][0], rows[1][1], 1)  # at least two distinct labels
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    decimal = "." if delimiter == "," else draw(st.sampled_from([".", ","]))
    body = "\n".join(delimiter.join(repr(float(v)).replace(".", decimal)
                                    if isinstance(v, float) else str(v)
                                    for v in row) for row in rows)
    header = draw(st.sampled_from(["", f"x1{delimiter}x2{delimiter}label\n"]))
    return header + body + draw(st.sampled_from(["", "\n", "\r\n"]))


def check_parse(data: bytes | str) -> None:
    try:
        with no_gc(), deadline(HANG_SECONDS, "parse_csv"):
            parsed = parse_csv(data)
    except CsvError as error:
        assert 1 <= len(error.errors) <= MAX_ERRORS + 1  # + the too_few_rows summary
        for row_error in error.errors:
            assert row_error.row is None or row_error.row >= 1
            assert row_error.column in (None, 1, 2, 3)
            assert row_error.message and len(row_error.message) < 300
        assert str(error).startswith("Invalid CSV")
    else:
        n = len(parsed.x)
        assert MIN_ROWS <= n <= MAX_ROWS and parsed.x.shape == (n, 2) and len(parsed.y) == n
        assert all(math.isfinite(v) for v in parsed.x.ravel().tolist())
        assert all(math.isfinite(v) for v in parsed.y.ravel().tolist())
        assert parsed.task in ("binary", "multiclass", "regression")
    count("csv")


HUGE_FIELD = b"x1,x2,label\n" + b"1" * 140_000 + b",1,2\n" + b"1,2,0\n" * 10


@fuzz_settings(800)
@given(st.one_of(st.binary(max_size=600), csv_texts().map(lambda t: t.encode("utf-8")),
                 csv_texts().map(lambda t: t.encode("utf-16")),
                 csv_texts().map(lambda t: t.encode("latin-1", "replace"))))
@example(b"")
@example(codecs.BOM_UTF8)
@example(b"\x00" * 10)
@example(b"\xff\xfe" + "1,2,3\n".encode("utf-16-le"))
@example(HUGE_FIELD)
@example(b'"' + b"1" * 140_000 + b'",1,1\n' + b"1,2,0\n" * 10)
@example(b"1,2,0\n" * (MAX_ROWS + 1))
@example(b"\n" * (MAX_BYTES - 1))
@example(b"1," * 60_000)
def test_any_bytes_parse_to_points_or_csv_error(data):
    check_parse(data)


@fuzz_settings(600)
@given(st.one_of(csv_texts(), st.text(max_size=300)))
@example("\ud800,1,2\n" * 10)
@example("1,2,3\x00\n" * 10)
def test_any_text_parses_to_points_or_csv_error(text):
    check_parse(text)


@fuzz_settings(300)
@given(good_csv_texts())
def test_good_csv_is_accepted(text):
    parsed = parse_csv(text)
    count("csv")
    assert len(parsed.x) >= MIN_ROWS


@pytest.mark.parametrize(("data", "code"), [
    (HUGE_FIELD, "inf"),  # 140,000 digits: a number too large for a float
    (HUGE_FIELD.replace(b"1" * 140_000, b"a" * 140_000), "number"),
    (HUGE_FIELD.replace(b"1" * 140_000, b'"' + b"a" * 140_000 + b'"'), "number"),
])
def test_csv_field_beyond_the_csv_module_limit_is_a_row_error(data, code):
    """Regression: a field over csv.field_size_limit (131,072 characters) raised _csv.Error,
    a 500 from the upload route; it is now a row error with a short message."""
    with pytest.raises(CsvError) as info:
        parse_csv(data)
    (error,) = [e for e in info.value.errors if e.row == 2]
    assert error.code == code and error.column == 1 and len(error.message) < 120
    count("csv")


# -- the upload endpoint ----------------------------------------------------------------------


def check_upload(data: bytes, content_type: str = "text/csv") -> None:
    with deadline(20, "POST /api/mlp/csv"):
        response = CLIENT.post("/api/mlp/csv", content=data, headers={"content-type": content_type})
    count("request")
    assert response.status_code in (200, 413, 422), response.text[:300]
    body = response.json()
    if response.status_code == 200:
        assert body["rows"] == len(body["points"]) >= MIN_ROWS
        assert all(len(p) == 3 and all(math.isfinite(v) for v in p) for p in body["points"])
    else:
        errors = body["detail"]["errors"]
        assert errors and all(e["code"] and e["message"] for e in errors)


@fuzz_settings(300)
@given(st.one_of(st.binary(max_size=400), csv_texts().map(lambda t: t.encode("utf-8")),
                 good_csv_texts().map(lambda t: t.encode("utf-8"))),
       st.sampled_from(["text/csv", "application/json", "multipart/form-data; boundary=x",
                        "application/octet-stream", "text/csv; charset=utf-16"]))
@example(HUGE_FIELD, "text/csv")
@example(b"1,2,0\n" * 40_000, "text/csv")
@example(b"9" * (MAX_BYTES + 1), "text/csv")
@example(b"", "text/csv")
def test_upload_any_body_answers_200_413_or_422(data, content_type):
    check_upload(data, content_type)


def test_upload_huge_body_is_refused_while_streaming():
    """A 5 MB body in chunks: 413 after the first 200 kB, not after reading it all."""
    def chunks() -> Iterator[bytes]:
        for _ in range(80):
            yield b"1.0,2.0,1\n" * 6_400

    with deadline(20, "streamed upload"):
        response = CLIENT.post("/api/mlp/csv", content=chunks())
    count("request")
    assert response.status_code == 413
    assert response.json()["detail"]["errors"][0]["code"] == "csv.too_large"
