"""The curated seed data: verbatim evidence, one named graph per document, SHACL, the training table."""

from __future__ import annotations

from pathlib import Path

import pyshacl
import pytest
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS, XSD

REPO = Path(__file__).resolve().parents[1]
ONTOLOGY = REPO / "ontology"
TRIG_FILES = sorted((REPO / "data" / "seeds").glob("*.trig"))
KP = Namespace("https://partnergraph.org/ontology#")
ID = Namespace("https://partnergraph.org/id/")
SCHEMA = Namespace("https://schema.org/")


def seeds_dir() -> Path:
    """The five source documents, kept in the repository (data/sources/)."""
    return REPO / "data" / "sources"


def load(path: Path) -> Dataset:
    dataset = Dataset()
    dataset.parse(path, format="trig")
    return dataset


@pytest.fixture(scope="module")
def data() -> Graph:
    """The union of all seed graphs plus the ontology and vocabularies (the SHACL data graph)."""
    union = Graph()
    for name in ("partnergraph.ttl", "vocabularies.ttl"):
        union.parse(ONTOLOGY / name)
    for path in TRIG_FILES:
        for s, p, o, _ in load(path).quads():
            union.add((s, p, o))
    return union


def conforms(graph: Graph) -> tuple[bool, Graph]:
    shapes = Graph().parse(ONTOLOGY / "shapes.ttl")
    ok, report, _ = pyshacl.validate(graph, shacl_graph=shapes, inference="none")
    return ok, report


def test_there_is_one_trig_file_per_seed_document():
    assert len(TRIG_FILES) == 5


@pytest.mark.parametrize("path", TRIG_FILES, ids=lambda p: p.stem)
def test_each_trig_file_holds_exactly_one_named_graph_named_after_its_document(path):
    dataset = load(path)
    graphs = [g for g in dataset.graphs() if len(g) and g.identifier != dataset.default_graph.identifier]
    assert len(dataset.default_graph) == 0
    assert [g.identifier for g in graphs] == [ID[f"source/{path.stem}"]]
    assert (ID[f"source/{path.stem}"], RDF.type, KP.SourceDocument) in graphs[0]


@pytest.mark.parametrize("path", TRIG_FILES, ids=lambda p: p.stem)
def test_every_quote_occurs_verbatim_in_the_seed_file_of_its_document(path):
    graph = load(path).graph(ID[f"source/{path.stem}"])
    quotes = list(graph.subject_objects(PROV.value))
    assert quotes
    for evidence, quote in quotes:
        document = graph.value(evidence, PROV.wasQuotedFrom)
        seed_file = graph.value(document, KP.seedFile)
        text = (seeds_dir() / str(seed_file)).read_text(encoding="utf-8")
        assert "\n" not in quote and str(quote) in text, f"{evidence} is not verbatim"


def test_shapes_accept_the_curated_data(data):
    ok, report = conforms(data)
    assert ok, report.serialize(format="turtle")


def test_shapes_reject_a_broken_agreement(data):
    broken = Graph()
    for triple in data:
        broken.add(triple)
    agreement = ID["agreement/broken"]
    broken.add((agreement, RDF.type, KP.Agreement))
    broken.add((agreement, RDFS.label, Literal("A broken agreement")))
    broken.add((agreement, KP.party, ID["region/kr/gyeonggi-province"]))  # one party only
    broken.add((agreement, KP.tieKind, URIRef("https://partnergraph.org/vocab/tie-kind/mou")))
    broken.add((agreement, KP.signedDate, Literal("3 September 2014")))  # untyped date
    broken.add((agreement, KP.traineeCount, Literal(-3, datatype=XSD.integer)))  # negative count
    ok, report = conforms(broken)  # and no kp:evidence
    assert not ok
    sh = Namespace("http://www.w3.org/ns/shacl#")
    failing = {report.value(r, sh.resultPath) for r in report.subjects(sh.focusNode, agreement)}
    assert {KP.party, KP.signedDate, KP.traineeCount, KP.evidence} <= failing


TABLE = [  # (start date, trainees, origin) for the 19 rows of the 2014-2016 table
    ("2016-06-29", 14, "region/cn/shandong-province"),
    ("2016-08-23", 15, "region/iq"),
    ("2015-04-13", 15, "region/cn/jiangsu-province"),
    ("2015-05-27", 15, "region/cn/shandong-province"),
    ("2015-09-17", 15, "region/cn/hebei-province"),
    ("2015-11-09", 18, "region/cn/guangdong-province"),
    ("2015-10-25", 14, "region/cn/liaoning-province"),
    ("2015-03-23", 14, "region/pe"),
    ("2015-05-19", 19, "region/iq/krg"),
    ("2015-09-01", 15, "region/ht"),
    ("2015-10-20", 19, "region/iq"),
    ("2014-06-23", 20, "region/cn/guangdong-province"),
    ("2014-09-15", 17, "region/cn/hebei-province"),
    ("2014-10-14", 13, "region/cn/shandong-province"),
    ("2014-06-24", 15, "region/iq/krg"),
    ("2014-08-25", 20, "region/bt"),
    ("2014-09-17", 15, None),  # "Global Training": no country
    ("2014-10-20", 16, "region/af"),
    ("2014-11-10", 13, "region/pe"),
]


def test_the_training_table_has_19_courses(data):
    assert len(set(data.subjects(RDF.type, KP.TrainingCourse))) == 19


@pytest.mark.parametrize("start, trainees, origin", TABLE)
def test_each_course_row_exists_with_its_trainee_count(data, start, trainees, origin):
    (course,) = data.subjects(SCHEMA.startDate, Literal(start, datatype=XSD.date))
    assert (course, RDF.type, KP.TrainingCourse) in data
    assert data.value(course, KP.traineeCount).toPython() == trainees
    assert data.value(course, KP.participantOrigin) == (ID[origin] if origin else None)


def test_gacon_and_gacheon_university_are_found_as_one_entity(data):
    def search(text):  # entities only: the contradiction about the spelling is labelled with both names
        names = (RDFS.label, SKOS.altLabel, SKOS.hiddenLabel)
        found = {s for p in names for s, o in data.subject_objects(p) if text.lower() in str(o).lower()}
        return {s for s in found if (s, RDF.type, KP.Contradiction) not in data}

    assert search("Gacon University") == search("Gacheon University") == {ID["org/gacheon-university"]}


@pytest.mark.parametrize("misspelling", ["Butan", "Gapyeong Country", "Jellanam-do", "Gacon University", "Naboi"])
def test_misspellings_stay_findable_as_hidden_labels(data, misspelling):
    assert list(data.subjects(SKOS.hiddenLabel, Literal(misspelling)))


def test_an_entity_in_several_documents_has_one_iri_and_one_label():
    gyeonggi = ID["region/kr/gyeonggi-province"]
    labels = {load(p).graph(ID[f"source/{p.stem}"]).value(gyeonggi, RDFS.label) for p in TRIG_FILES}
    assert labels - {None} == {Literal("Gyeonggi Province")}


@pytest.mark.parametrize(
    "slug",
    [
        "training-2016-developing-countries-subtotal",
        "training-2015-total-stray-29",
        "koica-training-countries-list-vs-table",
        "gacheon-gacon-spelling",
    ],
)
def test_contradictions_keep_both_sides_with_their_own_evidence(data, slug):
    node = ID[f"contradiction/{slug}"]
    assert (node, RDF.type, KP.Contradiction) in data
    assert data.value(node, RDFS.comment)
    quotes = {data.value(e, PROV.value) for e in data.objects(node, KP.conflictingEvidence)}
    assert len(quotes) >= 2


def test_the_2016_subtotal_and_its_row_are_both_kept(data):
    subtotal = ID["statement/training-2016-koica-trainees"]
    row = ID["course/gyeonggi-2016-iraq-08"]
    assert data.value(subtotal, KP["count"]).toPython() == 14
    assert data.value(row, KP.traineeCount).toPython() == 15


# ---------------------------------------------------------------------------------------------------------
# What the sources said only in words, now data (issue 14): each fact and the quote it rests on
# ---------------------------------------------------------------------------------------------------------
KIND = Namespace("https://partnergraph.org/vocab/program-kind/")
AUDIENCE = Namespace("https://partnergraph.org/vocab/audience/")
DIRECTION = Namespace("https://partnergraph.org/vocab/direction/")
COSTS = Namespace("https://partnergraph.org/vocab/cost-sharing/")
DCTERMS = Namespace("http://purl.org/dc/terms/")


def quotes_of(data: Graph, node) -> list[str]:
    return [str(data.value(e, PROV.value)) for e in data.objects(node, KP.evidence)]


def assert_fact(data: Graph, subject: str, predicate, obj, quote: str) -> None:
    """The triple is in the data, and its subject carries a quote (verbatim elsewhere) containing ``quote``."""
    s = ID[subject]
    o = obj if isinstance(obj, URIRef | Literal) else ID[obj]
    assert (s, predicate, o) in data, f"missing: {subject} {predicate} {obj}"
    assert any(quote in q for q in quotes_of(data, s)), f"{subject}: no quote with {quote!r}"


INCHEON_FACTS = [
    ("event/attack-on-yeonpyeong-island", KP.perpetrator, "region/kp", "the North’s attack on Yeonpyeong Island"),
    ("event/attack-on-yeonpyeong-island", KP.location, "region/kr/yeonpyeong-island", "Yeonpyeong Island"),
    ("event/attack-on-yeonpyeong-island", RDF.type, KP.Incident, "attack on Yeonpyeong Island"),
    ("event/sinking-of-the-cheonan", RDF.type, KP.Incident, "the sinking of the Cheonan Ship"),
    ("program/incheon-inter-korean-cooperation", KP.haltedBy, "event/attack-on-yeonpyeong-island", "halted since"),
    ("program/incheon-inter-korean-cooperation", KP.haltedBy, "event/sinking-of-the-cheonan", "halted since"),
    ("region/kp", KP.isoCode, Literal("KP"), "business in the North"),
    ("program/incheon-gcf-asian-games-support", KP.supports, "org/gcf", "bring the GCF and the 2014 Asian Games"),
    ("program/incheon-gcf-asian-games-support", KP.supports, "event/asian-games-2014", "2014 Asian Games into success"),
    ("program/incheon-gcf-asian-games-support", KP.organizer, "org/incheon-international-cooperation-office", "GCF"),
    ("program/incheon-foreign-investment-attraction", KP.beneficiary, "region/kr/ifez", "the IFEZ and non-IFEZ"),
    ("program/incheon-foreign-investment-attraction", KP.beneficiary, "region/kr/incheon", "non-IFEZ regions"),
    (
        "program/incheon-foreign-investment-attraction",
        KP.organizer,
        "org/incheon-international-cooperation-office",
        "takes charge of foreign investment attraction",
    ),
    ("program/incheon-academy-inter-korean-economic-cooperation", KP.audience, AUDIENCE["small-business"], "small"),
    ("program/incheon-academy-inter-korean-economic-cooperation", KP.audience, AUDIENCE.citizen, "citizens"),
    ("program/incheon-academy-inter-korean-economic-cooperation", KP.audience, AUDIENCE["public-official"], "public"),
    ("program/incheon-academy-inter-korean-economic-cooperation", KP.audience, AUDIENCE.ngo, "NGOs"),
    (
        "program/incheon-academy-inter-korean-economic-cooperation",
        KP.supports,
        "program/incheon-inter-korean-cooperation",
        "To this end",
    ),
    (
        "program/incheon-academy-inter-korean-economic-cooperation",
        KP.purpose,
        Literal("establish human networks", lang="en"),
        "helps them establish human networks for the purpose",
    ),
    (
        "program/incheon-academy-inter-korean-economic-cooperation",
        KP.purpose,
        Literal("take part in inter-Korean exchange and joint economic projects", lang="en"),
        "that wish to take part in inter-Korean exchange and joint economic projects",
    ),
    ("event/asian-games-2014", RDF.type, KP.SportingEvent, "the 2014 Asian Games"),
    (
        "source/incheon-international-cooperation-2013",
        KP.pageDate,
        Literal("2020-01-23", datatype=XSD.date),
        "Thursday, January 23, 2020",
    ),
    (
        "source/incheon-international-cooperation-2013",
        DCTERMS.issued,
        Literal("2013-03-28T08:52:00", datatype=XSD.dateTime),
        "March 28, 2013, 08:52",
    ),
]


@pytest.mark.parametrize("subject, predicate, obj, quote", INCHEON_FACTS, ids=lambda x: str(x)[-40:])
def test_incheon_article_facts_are_data_with_their_quote(data, subject, predicate, obj, quote):
    assert_fact(data, subject, predicate, obj, quote)


def test_the_asian_games_are_no_longer_a_conference(data):
    assert (ID["event/asian-games-2014"], RDF.type, KP.Conference) not in data


SHARED = "program/gyeonggi-partner-country-civil-servant-training"
SMART = "program/gyeonggi-smart-class-mongolia"
CHINA = "program/gyeonggi-china-public-officials-exchange-training"
INBOUND = "program/gyeonggi-china-officials-training-inbound"
OUTBOUND = "program/gyeonggi-china-officials-training-outbound"
OUTBOUND_2016 = "program/gyeonggi-china-officials-training-outbound-2016"
KOICA = "program/gyeonggi-koica-developing-countries-officials-training"
COST_RULE = "an organization to which the trainees belongs covers airfare"

PROGRAM_FACTS = [
    # the cases shared with invited civil servants
    (SHARED, KP.sharedCase, "program/gyeonggi-overseas-ddabok-community", "its overseas Ddabok community"),
    (SHARED, KP.sharedCase, "program/gyeonggi-young-ideas", "Young Ideas (public contest)"),
    (SHARED, KP.sharedCase, "program/gyeonggi-urban-regeneration", "urban regeneration projects"),
    (SHARED, KP.sharedCase, "program/gyeonggi-new-town-development", "new town development policy"),
    ("program/gyeonggi-young-ideas", KP.programKind, KIND["public-contest"], "Young Ideas (public contest)"),
    ("program/gyeonggi-ddabok-house-oda", KP.sharedCase, "program/gyeonggi-ddabok-house", "the Ddabok House"),
    ("program/gyeonggi-ddabok-house", KP.programKind, KIND["housing-project"], "(the province’s housing project)"),
    (SHARED, KP.trainingDirection, DIRECTION.inbound, "invited civil servants from its partner countries"),
    # the four achievements of the Smart Class
    ("outcome/smart-class-mongolia-korean-diplomacy", KP.resultsFrom, SMART, "Invigoration of Korea’s diplomacy"),
    ("outcome/smart-class-mongolia-korean-diplomacy", KP.about, "region/kr", "using the Korean Wave"),
    ("outcome/smart-class-mongolia-teachers-association", KP.resultsFrom, SMART, "Basis for the founding"),
    (
        "outcome/smart-class-mongolia-teachers-association",
        KP.about,
        "org/mongolia-association-of-korean-language-teachers",
        "Mongolia’s first association of Korean language teachers",
    ),
    ("outcome/smart-class-mongolia-students-interest", KP.resultsFrom, SMART, "Local students’ interest"),
    ("outcome/smart-class-mongolia-positive-image", KP.resultsFrom, SMART, "Positive image of Korea"),
    # the province's brand projects
    (SMART, KP.programKind, KIND["brand-project"], "Smart Class in Mongolia (the province’s brand project)"),
    (
        "program/gyeonggi-independent-villages-cambodia-myanmar",
        KP.programKind,
        KIND["brand-project"],
        "in Cambodia and Myanmar (the province’s brand project)",
    ),
    # direction and cost sharing of the training programs
    (CHINA, KP.trainingDirection, DIRECTION.inbound, "China → Gyeonggi-do (public officials"),
    (CHINA, KP.trainingDirection, DIRECTION.outbound, "Gyeonggi-do → China (province, city and county"),
    (INBOUND, KP.trainingDirection, DIRECTION.inbound, "China → Gyeonggi-do (public officials"),
    (INBOUND, KP.partOf, CHINA, "China → Gyeonggi-do"),
    (INBOUND, KP.participantOrigin, "region/cn/guangdong-province", "public officials from five provinces in China"),
    (INBOUND, KP.costSharing, COSTS["travel-by-sender-stay-by-host"], COST_RULE),
    (INBOUND, KP.costSharing, COSTS["independent-project"], "China sub Total 1 course 14 Independent Project"),
    (OUTBOUND, KP.trainingDirection, DIRECTION.outbound, "Gyeonggi-do → China (province, city and county"),
    (OUTBOUND, KP.costSharing, COSTS["travel-by-sender-stay-by-host"], COST_RULE),
    (KOICA, KP.trainingDirection, DIRECTION.inbound, "to invite overseas public officials to Korea"),
    (KOICA, KP.costSharing, COSTS["koica-cost-sharing"], "Full cost sharing by the Korea International Cooperation"),
    # whom KOICA's courses are for
    (KOICA, KP.audience, AUDIENCE["mid-level-official"], "Mid-level and high-ranking officials from each country"),
    (KOICA, KP.audience, AUDIENCE["high-ranking-official"], "Mid-level and high-ranking officials from each country"),
    # the 2016 outbound courses to China as a program
    (OUTBOUND_2016, KP.partOf, OUTBOUND, "Gyeonggi-do → China: 4 courses (64 trainees)"),
    (OUTBOUND_2016, KP.courseCount, Literal(4, datatype=XSD.integer), "4 courses (64 trainees)"),
    (OUTBOUND_2016, KP.traineeCount, Literal(64, datatype=XSD.integer), "4 courses (64 trainees)"),
    (OUTBOUND_2016, KP.location, "region/cn/jiangsu-province", "(in Liaoning, Jiangsu, Hebei and Shandong)"),
    (OUTBOUND_2016, KP.trainingDirection, DIRECTION.outbound, "Gyeonggi-do → China: 4 courses"),
]


@pytest.mark.parametrize("subject, predicate, obj, quote", PROGRAM_FACTS, ids=lambda x: str(x)[-40:])
def test_program_facts_are_data_with_their_quote(data, subject, predicate, obj, quote):
    assert_fact(data, subject, predicate, obj, quote)


def test_independent_project_is_the_tables_remark_so_only_the_inbound_side_carries_it(data):
    independent = COSTS["independent-project"]
    assert (ID[INBOUND], KP.costSharing, independent) in data
    assert (ID[OUTBOUND], KP.costSharing, independent) not in data
    assert (ID[OUTBOUND_2016], KP.costSharing, independent) not in data


def test_the_china_rows_of_the_training_table_are_courses_of_the_inbound_program(data):
    china_rows = [
        c for c in data.subjects(RDF.type, KP.TrainingCourse) if "/cn/" in str(data.value(c, KP.participantOrigin))
    ]
    assert len(china_rows) == 9  # 1 (2016) + 5 (2015) + 3 (2014)
    assert {data.value(c, KP.partOf) for c in china_rows} == {ID[INBOUND]}


def test_every_program_has_a_kind_from_the_program_kind_scheme(data):
    programs = {
        s
        for cls in ("Program", "TrainingProgram", "AidProject", "MedicalAidProject", "ExchangeProgram", "Plan")
        for s in data.subjects(RDF.type, KP[cls])
    }
    assert len(programs) > 30
    scheme = URIRef(str(KIND))
    for program in programs:
        kinds = list(data.objects(program, KP.programKind))
        assert kinds, f"{program} has no kind"
        assert all((k, SKOS.inScheme, scheme) in data for k in kinds)


INITIATIVE = "program/gyeonggi-international-medical-initiative"
ENTRY = "event/contest-exemplary-internationalization-cases-2018/"
GMTIC = "org/gyeonggi-medical-tourism-information-center"
GROWTH = "statistic/gyeonggi-medical-tourists-annual-growth"

MEDICAL_FACTS = [
    # the international medical initiative, a program of its own
    (INITIATIVE, RDF.type, KP.Program, "Gyeonggi Province’s international medical initiative"),
    (INITIATIVE, KP.programKind, KIND.initiative, "International Medical Initiative Receives Grand Prize"),
    (INITIATIVE, KP.underAgreement, "agreement/gyeonggi-kazakhstan-health-medical", "including Kazakhstan"),
    ("statement/gyeonggi-health-medical-agreements", KP.about, INITIATIVE, "23 cooperative health and medical"),
    ("program/gyeonggi-medical-personnel-training", KP.partOf, INITIATIVE, "for foreign medical personnel"),
    (
        "program/gyeonggi-international-medical-initiative-basic-plan-2018-2020",
        KP.partOf,
        INITIATIVE,
        "International Medical Initiative Basic Plan (2018 to 2020)",
    ),
    (ENTRY + "gyeonggi-global-healthcare", KP.presents, INITIATIVE, "International Medical Initiative Receives"),
    ("program/gyeonggi-medical-personnel-training", KP.trainingDirection, DIRECTION.inbound, "programs in Korea"),
    # the Medical Tourism Information Center
    (GMTIC, KP.sponsor, "region/kr/gyeonggi-province", "will be sponsored by the province, cities and counties"),
    (GMTIC, KP.resultsFrom, "agreement/gyeonggi-medical-tourism-public-private-mou-2014", "To that end"),
    # the figures about medical tourists, as figures
    (GROWTH, KP.value, Literal("22.1", datatype=XSD.decimal), "increased by an annual average of 22.1%"),
    (GROWTH, KP.unit, URIRef("https://partnergraph.org/vocab/unit/percent"), "22.1%"),
    (
        GROWTH,
        KP.measure,
        URIRef("https://partnergraph.org/vocab/measure/annual-average-growth-rate"),
        "annual average",
    ),
    (GROWTH, KP.period, Literal("2013", datatype=XSD.gYear), "last year"),
    (GROWTH, KP.rank, Literal(2, datatype=XSD.integer), "ranking second out of the 17 local governments"),
    (GROWTH, KP.rankOutOf, Literal(17, datatype=XSD.integer), "ranking second out of the 17 local governments"),
    (GROWTH, KP.about, "region/kr/gyeonggi-province", "visiting Gyeonggi Province"),
    ("statement/gyeonggi-medical-tourists-2013", KP["count"], Literal(25673, datatype=XSD.integer), "25,673"),
    # smaller: the contest's topic, Daejeon's entry and the summit
    (
        "event/contest-exemplary-internationalization-cases-2018",
        KP.topic,
        Literal(
            "Cases of increasing positive relations with local governments overseas through sisterhood agreements "
            "and friendly relations and contributing to fostering a global mindset",
            lang="en",
        ),
        "○ Contest Topic: Cases of increasing",
    ),
    (ENTRY + "daejeon-asia-pacific-city-summit", KP.presents, "event/asia-pacific-city-summit-2017", "Successful"),
]


@pytest.mark.parametrize("subject, predicate, obj, quote", MEDICAL_FACTS, ids=lambda x: str(x)[-40:])
def test_medical_and_contest_facts_are_data_with_their_quote(data, subject, predicate, obj, quote):
    assert_fact(data, subject, predicate, obj, quote)


def test_shapes_reject_a_rank_beyond_the_number_ranked_and_a_statistic_without_unit(data):
    broken = Graph()
    for triple in data:
        broken.add(triple)
    figure = ID["statistic/broken"]
    broken.add((figure, RDF.type, KP.Statistic))
    broken.add((figure, RDFS.label, Literal("A broken figure")))
    broken.add((figure, KP.about, ID["region/kr/gyeonggi-province"]))
    broken.add((figure, KP.value, Literal("22.1", datatype=XSD.decimal)))
    broken.add((figure, KP.rank, Literal(18, datatype=XSD.integer)))
    broken.add((figure, KP.rankOutOf, Literal(17, datatype=XSD.integer)))
    ok, report = conforms(broken)
    assert not ok
    sh = Namespace("http://www.w3.org/ns/shacl#")
    failing = {report.value(r, sh.resultPath) for r in report.subjects(sh.focusNode, figure)}
    assert {KP.unit, KP.measure, KP.rank, KP.evidence} <= failing


RENEWAL_FACTS = [
    (
        "agreement/gyeonggi-british-columbia-implementation-plan-2017-2019",
        KP.renews,
        "agreement/gyeonggi-british-columbia-implementation-plan-before-2017",
        "Renewal of the implementation plan with Canada’s British Columbia",
    ),
    (
        "agreement/gyeonggi-queensland-implementation-plan-2017-2019",
        KP.renews,
        "agreement/gyeonggi-queensland-implementation-plan-before-2017",
        "Renewal of the implementation plan with Canada’s British Columbia and Australia’s Queensland",
    ),
    (
        "agreement/gyeonggi-queensland-implementation-plan-before-2017",
        KP.party,
        "region/au/queensland",
        "Australia’s Queensland",
    ),
    (
        "org/gyeonggi-diplomatic-policy-department",
        KP.possiblySameAs,
        "org/gyeonggi-foreign-policy-division",
        "Diplomatic Policy Department was formed",
    ),
]


@pytest.mark.parametrize("subject, predicate, obj, quote", RENEWAL_FACTS, ids=lambda x: str(x)[-40:])
def test_renewals_and_possible_identities_are_data_with_their_quote(data, subject, predicate, obj, quote):
    assert_fact(data, subject, predicate, obj, quote)


def test_a_possible_identity_says_how_it_was_found_and_how_sure_it_is(data):
    node = ID["identity/gyeonggi-diplomatic-policy-department-foreign-policy-division"]
    assert set(data.objects(node, KP.candidate)) == {
        ID["org/gyeonggi-diplomatic-policy-department"],
        ID["org/gyeonggi-foreign-policy-division"],
    }
    assert 0 < data.value(node, KP.confidence).toPython() < 1
    assert "Same document" in str(data.value(node, KP.method))
    assert any("Foreign Policy Division" in q for q in quotes_of(data, node))


@pytest.mark.parametrize(
    "slug, side_a, side_b",
    [
        (
            "contest-2018-winning-entry-title",
            "International Medical Initiative Receives Grand Prize",
            "Gyeonggi Province Global Healthcare Support Project",
        ),
        (
            "bc-queensland-plan-joint-or-bilateral",
            "Renewal of the implementation plan",
            "Canada’s British Columbia and Australia’s Queensland",
        ),
        (
            "europe-americas-partners-include-queensland",
            "partners in Europe and the Americas",
            "Australia’s Queensland",
        ),
    ],
)
def test_the_new_contradictions_keep_both_sides(data, slug, side_a, side_b):
    node = ID[f"contradiction/{slug}"]
    assert (node, RDF.type, KP.Contradiction) in data and data.value(node, RDFS.comment)
    quotes = [str(data.value(e, PROV.value)) for e in data.objects(node, KP.conflictingEvidence)]
    assert any(side_a in q for q in quotes) and any(side_b in q for q in quotes)
    assert list(data.objects(node, KP.about))


def test_there_are_nine_contradictions(data):
    assert len(set(data.subjects(RDF.type, KP.Contradiction))) == 9  # six of the first curation, three new


@pytest.mark.filterwarnings("ignore:Dataset.contexts is deprecated:DeprecationWarning")  # inside rdflib's TriG writer
def test_the_committed_trig_files_are_what_the_builder_makes(tmp_path, monkeypatch):
    """Regenerating data/seeds/*.trig changes nothing: the build is deterministic and the files are up to date."""
    import importlib.util
    import sys

    monkeypatch.syspath_prepend(str(REPO / "data"))
    spec = importlib.util.spec_from_file_location("build_seeds_under_test", REPO / "data" / "build_seeds.py")
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    monkeypatch.setattr(builder, "OUT", tmp_path)
    builder.main()
    sys.modules.pop("curate", None)
    built = sorted(p.name for p in tmp_path.glob("*.trig"))
    assert built == [p.name for p in TRIG_FILES]
    for path in TRIG_FILES:
        assert (tmp_path / path.name).read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), path.name


NEW_TERMS = """programKind trainingDirection costSharing audience purpose supports sharedCase haltedBy Incident
SportingEvent perpetrator presents topic resultsFrom sponsor Outcome Statistic value unit measure rank rankOutOf
possiblySameAs PossibleIdentity candidate method confidence pageDate renews""".split()


@pytest.mark.parametrize("term", NEW_TERMS)
def test_each_term_added_for_the_words_made_data_has_a_label_and_a_comment(term):
    ontology = Graph().parse(ONTOLOGY / "partnergraph.ttl")
    assert ontology.value(KP[term], RDFS.label), term
    assert ontology.value(KP[term], RDFS.comment), term


@pytest.mark.parametrize("scheme", ["program-kind", "direction", "cost-sharing", "audience", "unit", "measure"])
def test_each_new_scheme_has_concepts_with_labels_and_definitions(scheme):
    vocab = Graph().parse(ONTOLOGY / "vocabularies.ttl")
    iri = URIRef(f"https://partnergraph.org/vocab/{scheme}/")
    assert (iri, RDF.type, SKOS.ConceptScheme) in vocab
    concepts = list(vocab.subjects(SKOS.inScheme, iri))
    assert concepts
    for concept in concepts:
        assert vocab.value(concept, SKOS.prefLabel) and vocab.value(concept, SKOS.definition), concept


def test_shapes_reject_a_concept_from_the_wrong_scheme(data):
    broken = Graph()
    for triple in data:
        broken.add(triple)
    program = ID["program/gyeonggi-young-ideas"]
    broken.add((program, KP.programKind, URIRef("https://partnergraph.org/vocab/tie-kind/mou")))  # a kind of tie
    broken.add((program, KP.trainingDirection, KIND.training))  # a kind of program, not a direction
    ok, report = conforms(broken)
    assert not ok
    sh = Namespace("http://www.w3.org/ns/shacl#")
    failing = {report.value(r, sh.resultPath) for r in report.subjects(sh.focusNode, program)}
    assert {KP.programKind, KP.trainingDirection} <= failing
