"""Dashboard addresses -> documents: the same charts and words as the page, with stamp and notes."""

from __future__ import annotations

import json

import pytest

from dashboard.config import Settings
from dashboard.document import Chart, Document, Section, Table, Text
from dashboard.service import Services
from dashboard.view_document import BadViewUrl, build, parse_url


@pytest.fixture
def svc(small_store):
    return Services(small_store, Settings())


@pytest.mark.parametrize(
    ("url", "page", "expected"),
    [
        ("/", "overview", {}),
        ("/theme/youth?area=E06000059", "theme", {"theme": "youth", "area": "E06000059"}),
        ("/measure/rec01?from=2023-Q3&to=2024-Q2", "measure", {"measure": "REC01", "period_from": "2023-Q3"}),
        ("http://127.0.0.1:8050/drill?measure=REC01&cohort=sex%3Dfemale", "drill", {"cohort": "sex=female"}),
        ("/drill", "drill", {"measure": "REC01", "dimension": "sex"}),
        ("/data?measure=YTH02&ci=99.8", "data", {"measure": "YTH02", "confidence": 0.998}),
        ("/present", "present", {"theme": "accommodation"}),
    ],
)
def test_parse_url_names_the_page_and_its_filters(svc, url, page, expected):
    parsed = parse_url(url, svc.known(), svc.defaults())
    assert parsed.page == page
    for key, value in expected.items():
        assert getattr(parsed.view, key) == value


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/nowhere", "not a dashboard page"),
        ("/measure/NOPE1", "unknown measure code"),
        ("/theme/'; DROP TABLE observations;--", "unknown theme"),
        ("/measure", "not a dashboard page"),
        ("/theme/youth/extra", "not a dashboard page"),
    ],
)
def test_parse_url_refuses_addresses_that_name_no_page(svc, url, message):
    with pytest.raises(BadViewUrl, match=message):
        parse_url(url, svc.known(), svc.defaults())


def test_bad_filters_in_an_address_fall_back_with_messages(svc):
    parsed = parse_url("/measure/REC01?area=NOWHERE&ci=50", svc.known(), svc.defaults())
    assert parsed.view.area == "E23000039"
    assert len(parsed.messages) == 2


def test_measure_document_has_the_pages_charts_stamp_and_notes(svc):
    known = svc.known()
    doc = build(svc, parse_url("/measure/REC01?area=E06000059&to=2024-Q3", known, svc.defaults()), known)
    assert doc.title == "Adult proven reoffending rate"
    assert doc.subtitle == "Dorset, first period to 2024-Q3, compared with England and Wales"
    assert [c.name for c in doc.charts()] == ["REC01-trend", "REC01-spc", "REC01-inequalities", "REC01-areas"]
    assert dict(doc.stamp)["Period"] == "first period held to 2024-Q3"
    lead = doc.sections[0].blocks[0]
    assert isinstance(lead, Text) and "in Dorset was 1,170 of 5,400 (21.7%) in 2024-Q3" in lead.text
    assert any("Small numbers" in n for n in doc.notes)
    assert any(n.startswith("REC01 Adult proven reoffending rate:") for n in doc.notes)
    assert not doc.demo and not any("DEMO" in n for n in doc.notes)  # the fixture store is not demo data
    trend = doc.charts()[0].figure
    assert "Dorset" in trend["layout"]["title"]["text"]


def test_overview_document_has_a_table_for_each_of_the_seven_themes(svc):
    known = svc.known()
    doc = build(svc, parse_url("/", known, svc.defaults()), known)
    tables = [b for s in doc.sections for b in s.blocks if isinstance(b, Table)]
    assert [t.caption.split(":")[0] for t in tables] == list(known.themes.values())
    rec = next(t for t in tables if t.caption.startswith("Reconvictions"))
    row = next(r for r in rec.rows if r["measure"].startswith("REC01"))
    assert row["value"] == "21.8%" and row["period"] == "2024-Q4"


def test_drill_document_follows_the_drilled_cohort(svc):
    known = svc.known()
    doc = build(svc, parse_url("/drill?measure=REC01&cohort=sex%3Dfemale", known, svc.defaults()), known)
    assert [s.heading for s in doc.sections] == ["By sex", "Female"]
    assert len(doc.charts()) == 3


def test_data_document_holds_the_rows_of_the_table(svc):
    known = svc.known()
    doc = build(svc, parse_url("/data?measure=YTH02", known, svc.defaults()), known)
    table = doc.sections[0].blocks[-1]
    assert isinstance(table, Table) and len(table.rows) == 8
    assert table.rows[-1]["value"] == "32.2%"


def test_a_document_survives_json_unchanged(svc):
    known = svc.known()
    doc = build(svc, parse_url("/theme/youth", known, svc.defaults()), known)
    again = Document.from_dict(json.loads(json.dumps(doc.to_dict())))
    assert again == doc
    assert isinstance(again.sections[0], Section) and isinstance(again.charts()[0], Chart)
