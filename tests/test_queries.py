"""Every named query parses, binds its parameters safely, and gives the rows the sources support.

Expected values are read off the five source documents by hand (see data/README.md).
"""

from __future__ import annotations

import pytest
from rdflib import URIRef

from graph.queries import Param, QueryError, get_query, named_queries, term_for

GYEONGGI = "https://partnergraph.org/id/region/kr/gyeonggi-province"


def column(result, name):
    i = result.variables.index(name)
    return [row[i] for row in result.rows]


@pytest.mark.parametrize("name", sorted(named_queries()))
def test_every_named_query_has_a_title_a_description_and_runs(shipped, name):
    query = get_query(name)
    assert query.title and query.title != name
    assert query.description
    result = shipped.run_named(name)
    assert len(result) > 0


def test_ties_lists_every_agreement_and_partnership(shipped):
    result = shipped.run_named("ties")
    assert len(result) == 25  # 12 agreements (two of them the plans renewed in 2017) + 13 partnerships in the seeds
    liaoning = [
        (str(label), str(signed))
        for label, signed in zip(column(result, "label"), column(result, "signed"), strict=True)
        if "Liaoning" in str(label)
    ]
    # "Liaoning Province General 2001.04 / Executives 2012.03": two agreements, dated to the month.
    assert sorted(s for _, s in liaoning) == ["2001-04", "2012-03"]


def test_the_medical_tourism_mou_has_fifteen_parties(shipped):
    result = shipped.run_named("ties")
    counts = dict(zip(map(str, column(result, "label")), map(int, column(result, "partyCount")), strict=True))
    mou = [n for label, n in counts.items() if label.startswith("Gyeonggi public-private cooperation MOU")]
    # Gyeonggi Province with seven cities/counties and seven organisations.
    assert mou == [15]


def test_partners_of_gyeonggi_include_the_mou_signatories_and_the_chinese_provinces(shipped):
    partners = {str(label) for label in column(shipped.run_named("partners", entity=GYEONGGI), "partnerLabel")}
    assert {"Gacheon University", "Suwon City", "Gapyeong", "Liaoning Province", "Shandong Province"} <= partners
    assert "Gyeonggi Province" not in partners


def test_training_courses_are_the_nineteen_rows_of_the_table(shipped):
    result = shipped.run_named("training-courses")
    assert len(result) == 19
    assert sum(int(n) for n in column(result, "trainees")) == 302  # 129 (2014) + 144 (2015) + 29 (2016)


def test_training_courses_by_year(shipped):
    by_year = {year: len(shipped.run_named("training-courses", year=str(year))) for year in (2014, 2015, 2016, 2017)}
    assert by_year == {2014: 8, 2015: 9, 2016: 2, 2017: 0}


def test_counted_statements_keep_the_numbers_without_inventing_members(shipped):
    result = shipped.run_named("counted-statements")
    pairs = {(int(c), str(q)) for c, q in zip(column(result, "count"), column(result, "quote"), strict=True)}
    assert any(count == 23 and "23 cooperative health and medical treatment agreements" in q for count, q in pairs)
    assert any(count == 15 and "sisterhood ties with ten countries and 15 regions" in q for count, q in pairs)


def test_contradictions_are_listed_with_both_sides(shipped):
    result = shipped.run_named("contradictions")
    assert len(result) == 9
    assert all(int(n) >= 1 for n in column(result, "sources"))
    gacheon = [
        q for c, q in zip(column(result, "contradiction"), column(result, "quotes"), strict=True) if "gacon" in c
    ]
    assert "Gacheon University" in str(gacheon[0]) and "Gacon University" in str(gacheon[0])


def test_sources_count_their_statements_and_quotes(shipped):
    result = shipped.run_named("sources")
    assert len(result) == 6  # the five seed documents and the gazetteer (GeoNames) of the curated places
    seeds = [
        int(n)
        for source, n in zip(column(result, "source"), column(result, "quotes"), strict=True)
        if not str(source).endswith("/source/geonames")  # its "quotes" are the one-line evidence of its matches
    ]
    assert sum(seeds) == 135


def test_evidence_of_an_entity_quotes_its_sources(shipped):
    quotes = column(shipped.run_named("evidence", entity="https://partnergraph.org/id/org/gacheon-university"), "quote")
    assert any("Gacheon University" in str(q) for q in quotes)


def test_regions_of_korea_with_their_containment(shipped):
    result = shipped.run_named("regions-in-country")
    rows = {
        str(label): str(parent) if parent else None
        for label, parent in zip(column(result, "label"), column(result, "parentLabel"), strict=True)
    }
    assert rows["Suwon City"] == "Gyeonggi Province"
    assert rows["Yeongdo-gu"] == "Busan"
    assert "Korea International Cooperation Agency" not in rows  # organisations are not regions


def test_a_parameter_is_bound_as_a_values_row_not_spliced_in():
    text = get_query("partners").bind({"entity": GYEONGGI})
    assert f"VALUES ?entity {{ <{GYEONGGI}> }}" in text
    assert get_query("partners").text.count("$entity") == text.count("$entity")


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("iri", "https://example.org/a", URIRef("https://example.org/a").n3()),
        ("string", 'say "hi"\n', '"say \\"hi\\"\\n"'),  # escaped as N-Triples, on one line
        ("year", "2015", '"2015"^^<http://www.w3.org/2001/XMLSchema#integer>'),
        ("date", "2014-09-03", '"2014-09-03"^^<http://www.w3.org/2001/XMLSchema#date>'),
    ],
)
def test_parameter_values_are_written_as_safe_terms(kind, value, expected):
    assert term_for(Param("p", kind), value) == expected


@pytest.mark.parametrize(
    ("kind", "value"),
    [("iri", "http://x> } DROP ALL #"), ("iri", "not an iri"), ("year", "2015 || true"), ("date", "yesterday")],
)
def test_unsafe_parameter_values_are_refused(kind, value):
    with pytest.raises(QueryError):
        term_for(Param("p", kind), value)


def test_an_unknown_parameter_is_refused():
    with pytest.raises(QueryError, match="no parameter"):
        get_query("partners").bind({"nobody": "x"})


def test_ties_of_a_year_and_of_a_kind(shipped):
    in_2013 = shipped.run_named("ties", year="2013")
    # "Jiangsu Province 2013.01 / Hebei Province 2013.01 / Shandong Province 2013.05"
    assert sorted(str(s) for s in column(in_2013, "signed")) == ["2013-01", "2013-01", "2013-05"]
    plans = shipped.run_named("ties", kind="https://partnergraph.org/vocab/tie-kind/implementation-plan")
    # each region's 2017-2019 plan and the earlier plan it renews
    assert sorted(sorted(str(p).split(" | ")) for p in column(plans, "parties")) == [
        ["British Columbia", "Gyeonggi Province"],
        ["British Columbia", "Gyeonggi Province"],
        ["Gyeonggi Province", "Queensland"],
        ["Gyeonggi Province", "Queensland"],
    ]


def test_a_parameter_restricts_the_group_where_it_first_occurs():
    text = get_query("ties").bind({"year": "2013"})
    sub_select = text.index("SELECT DISTINCT ?tie WHERE {")
    year = 'VALUES ?year { "2013"^^<http://www.w3.org/2001/XMLSchema#integer> }'
    assert text.index(year) > sub_select  # inside the paging sub-select, not outside it


def test_entities_by_class_counts_each_entity_once(shipped):
    result = shipped.run_named("entities-by-class")
    counts = {
        str(c).rsplit("#", 1)[1]: int(n)
        for c, n in zip(column(result, "class"), column(result, "entities"), strict=True)
    }
    # Gyeonggi Province is typed by four sources: still one province among the 15 the seeds name.
    assert counts["Province"] == 15
    assert counts["TrainingCourse"] == 19
    assert "Evidence" not in counts


def test_programs_by_kind_finds_the_brand_projects_and_the_narrower_kinds_of_a_kind(shipped):
    brand = shipped.run_named("programs-by-kind", kind="https://partnergraph.org/vocab/program-kind/brand-project")
    assert sorted(str(label) for label in column(brand, "label")) == [
        "Independent villages with optimum technology in Cambodia and Myanmar",
        "Smart Class of the Korean Language in Mongolia",
    ]
    cases = shipped.run_named("programs-by-kind", kind="https://partnergraph.org/vocab/program-kind/policy-case")
    # the four cases shared with invited civil servants, and the Ddabok House shared through ODA
    assert "Young Ideas" in {str(label) for label in column(cases, "label")} and len(cases) == 5
    training = shipped.run_named("programs-by-kind", kind="https://partnergraph.org/vocab/program-kind/training")
    costs = {
        str(label): str(cost)
        for label, cost in zip(column(training, "label"), column(training, "costSharing"), strict=True)
    }
    assert costs["Training Course by Inviting Public Officials of Developing Countries"] == "KOICA Cost Sharing"


def test_statistics_give_value_unit_period_and_rank(shipped):
    result = shipped.run_named("statistics")
    assert [str(v) for v in column(result, "value")] == ["22.1"]
    assert [str(v) for v in column(result, "unit")] == ["%"]
    assert [str(v) for v in column(result, "period")] == ["2013"]
    assert [(int(r), int(n)) for r, n in zip(column(result, "rank"), column(result, "outOf"), strict=True)] == [(2, 17)]


#: ``regions-in-country`` as it was before it was reshaped for 17,696 regions in a country (a page sorted on a
#: short key, the region classes read once, the parents of the page only): the reference its rows must match.
REGIONS_IN_COUNTRY_BEFORE = """# param: country iri
PREFIX kp: <https://partnergraph.org/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?region ?label ?class ?parentLabel
WHERE {
  ?region kp:country $country ; rdfs:label ?label ; a ?class .
  ?class rdfs:subClassOf+ kp:Region .
  OPTIONAL { ?region kp:locatedIn ?parent . ?parent rdfs:label ?parentLabel }
}
ORDER BY ?label
LIMIT 5000"""


def test_regions_in_country_gives_the_rows_it_gave_before_it_was_reshaped_in_the_same_order(shipped):
    from graph.queries import parse_header

    before = parse_header("before", REGIONS_IN_COUNTRY_BEFORE)
    every = shipped.query("SELECT ?c WHERE { ?c a <https://partnergraph.org/ontology#Country> }")
    countries = [str(c) for c in column(every, "c")]
    assert "https://partnergraph.org/id/region/kr" in countries and len(countries) > 3
    for country in countries:
        old = shipped.query(before.bind({"country": country})).rows
        new = shipped.run_named("regions-in-country", country=country).rows
        # The same rows, in the same order by name (rows of one name in any order, as before).
        assert sorted(map(str, new)) == sorted(map(str, old)), country
        assert [str(r[1]) for r in new] == [str(r[1]) for r in old], country


def test_regions_in_country_pages_by_name(shipped):
    everything = shipped.run_named("regions-in-country")
    names = [str(label) for label in column(everything, "label")]
    assert len(names) > 10 and names == sorted(names)
    middle = names[len(names) // 2]
    rest = [str(label) for label in column(shipped.run_named("regions-in-country", **{"from": middle}), "label")]
    assert rest == [n for n in names if n >= middle] and rest[0] == middle  # the last name shown, again
