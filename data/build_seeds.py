# ruff: noqa: E501  (verbatim quotes from the sources are long string literals)
"""Build data/seeds/*.trig from the five seed documents: one named graph per document.

Run:  python data/build_seeds.py   (the source documents are in data/sources/)

The curation is written out here, fact by fact, each with the verbatim quote it rests on.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from curate import ENTITIES, ID, KP, ORG, SCHEMA, Document, date, english, entity, integer  # noqa: E402
from rdflib import Literal  # noqa: E402
from rdflib.namespace import DCTERMS, RDFS  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


SEEDS = REPO / "data" / "sources"
OUT = REPO / "data" / "seeds"

# ---------------------------------------------------------------------------------------------
# Shared entities (one IRI across all documents)
# ---------------------------------------------------------------------------------------------
C, P, M, CI, CO, D, Z, R = (
    KP.Country,
    KP.Province,
    KP.MetropolitanCity,
    KP.City,
    KP.County,
    KP.District,
    KP.EconomicZone,
    KP.Region,
)
# countries
for key, iso, label, exact, hidden in [
    ("korea", "KR", "Korea", "Q884", ()),
    ("china", "CN", "China", "Q148", ()),
    ("japan", "JP", "Japan", "Q17", ()),
    ("taiwan", "TW", "Taiwan", None, ()),
    ("mongolia", "MN", "Mongolia", None, ()),
    ("australia", "AU", "Australia", None, ()),
    ("canada", "CA", "Canada", None, ()),
    ("us", "US", "US", "Q30", ()),
    ("germany", "DE", "Germany", "Q183", ()),
    ("france", "FR", "France", None, ()),
    ("kazakhstan", "KZ", "Kazakhstan", None, ()),
    ("cambodia", "KH", "Cambodia", None, ()),
    ("myanmar", "MM", "Myanmar", None, ()),
    ("vietnam", "VN", "Vietnam", None, ()),
    ("indonesia", "ID", "Indonesia", None, ()),
    ("uzbekistan", "UZ", "Uzbekistan", None, ()),
    ("iraq", "IQ", "Iraq", None, ()),
    ("afghanistan", "AF", "Afghanistan", None, ()),
    ("jordan", "JO", "Jordan", None, ()),
    ("bhutan", "BT", "Bhutan", None, ("Butan",)),
    ("peru", "PE", "Peru", None, ()),
    ("tunisia", "TN", "Tunisia", None, ()),
    ("haiti", "HT", "Haiti", None, ()),
]:
    entity(key, f"region/{iso.lower()}", C, label, iso=iso, exact=exact, hidden=hidden)

entity(
    "gyeonggi",
    "region/kr/gyeonggi-province",
    P,
    "Gyeonggi Province",
    alt=("Gyeonggi-do", "GyeongGi-do Province", "GyeongGi-do", "GyeongGi-Do", "Gyeonggi-Do"),
    exact="Q20937",
)
entity("incheon", "region/kr/incheon", M, "Incheon", alt=("Incheon City",), exact="Q20934")
entity("daejeon", "region/kr/daejeon", M, "Daejeon Metropolitan City")
entity("busan", "region/kr/busan", M, "Busan")
entity("yeongdo", "region/kr/yeongdo-gu", D, "Yeongdo-gu", alt=("Yeongdo",))
entity(
    "jeollanam",
    "region/kr/jeollanam-do",
    P,
    "Jellanam-do Province",
    hidden=("Jellanam-do",),
    comment="The only source spelling is 'Jellanam-do' (a misspelling of the province usually romanised "
    "Jeollanam-do); kept as a hidden label.",
)
entity("yeosu", "region/kr/yeosu", CI, "Yeosu City", alt=("Yeosu",))
entity("suwon", "region/kr/suwon", CI, "Suwon City")
entity("bucheon", "region/kr/bucheon", CI, "Bucheon City", alt=("Bucheon",))
entity("seongnam", "region/kr/seongnam", CI, "Seongnam City")
entity("goyang", "region/kr/goyang", CI, "Goyang City")
entity("ansan", "region/kr/ansan", CI, "Ansan City")
entity("anyang", "region/kr/anyang", CI, "Anyang City")
entity(
    "gapyeong",
    "region/kr/gapyeong-county",
    CO,
    "Gapyeong",
    hidden=("Gapyeong Country",),
    comment="The source writes 'Gapyeong Country' (a misspelling of 'County', listed among the 'seven "
    "cities/counties'); kept as a hidden label.",
)
entity("ifez", "region/kr/ifez", Z, "IFEZ", comment="The source gives only the abbreviation IFEZ.")
entity("liaoning", "region/cn/liaoning-province", P, "Liaoning Province", alt=("Liaoning",))
entity("guangdong", "region/cn/guangdong-province", P, "Guangdong Province")
entity("jiangsu", "region/cn/jiangsu-province", P, "Jiangsu Province", alt=("Jiangsu",))
entity("hebei", "region/cn/hebei-province", P, "Hebei Province", alt=("Hebei",))
entity("shandong", "region/cn/shandong-province", P, "Shandong Province", alt=("Shandong",))
entity("tianjin", "region/cn/tianjin", M, "Tianjin")
entity("aichi", "region/jp/aichi-prefecture", P, "Aichi Prefecture")
entity("kanagawa", "region/jp/kanagawa-prefecture", P, "Kanagawa Prefecture")
entity("british-columbia", "region/ca/british-columbia", P, "British Columbia")
entity("queensland", "region/au/queensland", P, "Queensland")
entity("virginia", "region/us/virginia", P, "Virginia")
entity("bavaria", "region/de/bavaria", P, "Bavaria")
entity("ile-de-france", "region/fr/ile-de-france", P, "Île-de-France")
entity("banten", "region/id/banten-province", P, "Banten Province")
entity("ulaanbaatar", "region/mn/ulaanbaatar", CI, "Ulaanbaatar")
entity("phnom-penh", "region/kh/phnom-penh", CI, "Phnom Penh")
entity(
    "naboi",
    "region/uz/navoi",
    CI,
    "Naboi",
    hidden=("Naboi",),
    comment="The only source spelling is 'Naboi' (presumably Navoi/Navoiy, Uzbekistan); kept as label and hidden "
    "label, no other name is stated by a source.",
)
entity(
    "north-korea",
    "region/kp",
    C,
    "North Korea",
    alt=("the North",),
    iso="KP",
    comment="The Incheon article (2013) calls it 'the North' and speaks of 'the two Koreas'; 'Korea' "
    "(id/region/kr) is South Korea.",
)
entity(
    "yeonpyeong",
    "region/kr/yeonpyeong-island",
    R,
    "Yeonpyeong Island",
    comment="Named by the Incheon article (2013) as the place of the North's attack; the article does not say "
    "where the island lies or to which region it belongs.",
)
entity(
    "iraq-krg",
    "region/iq/krg",
    R,
    "Iraq KRG",
    comment="The training table writes 'Iraq KRG' only; KRG is not expanded by the source.",
)

# organisations and people
entity("gak", "org/governors-association-of-korea", KP.Association, "Governors Association of Korea")
entity(
    "gsbc",
    "org/gyeonggi-small-and-medium-business-center",
    KP.Agency,
    "Gyeonggi Small and Medium Business Center",
    alt=("GSBC",),
)
entity(
    "gima",
    "org/gyeonggi-international-medical-association",
    KP.Association,
    "Gyeonggi International Medical Association",
)
entity(
    "gompa",
    "org/gyeonggi-overseas-marketing-professional-association",
    KP.Association,
    "Gyeonggi Overseas Marketing Professional Association",
)
entity(
    "gacheon",
    "org/gacheon-university",
    KP.University,
    "Gacheon University",
    hidden=("Gacon University", "Gacon"),
    comment="Spelled 'Gacheon University' (medical tourism MOU, 2014) and 'Gacon University' (Incheon article, "
    "2013); one university. See id/contradiction/gacheon-gacon-spelling.",
)
entity("yuhan", "org/yuhan-college", KP.College, "Yuhan College")
entity(
    "khttc",
    "org/korea-hotel-tourism-technical-college",
    KP.College,
    "Korea Hotel & Tourism Technical College",
)
entity("gto", "org/gyeonggi-tourism-organization", KP.Agency, "Gyeonggi Tourism Organization")
entity("gmc", "org/gyeonggi-medical-center", KP.Hospital, "Gyeonggi Medical Center")
entity(
    "gmtic",
    "org/gyeonggi-medical-tourism-information-center",
    KP.Agency,
    "Gyeonggi Medical Tourism Information Center",
)
entity(
    "gdpd",
    "org/gyeonggi-diplomatic-policy-department",
    KP.GovernmentDepartment,
    "Gyeonggi Diplomatic Policy Department",
    alt=("Diplomatic Policy Department",),
)
entity(
    "gfpd",
    "org/gyeonggi-foreign-policy-division",
    KP.GovernmentDepartment,
    "Foreign Policy Division of GyeongGi-do Province",
    alt=("Foreign Policy Division",),
)
entity("ggcf", "org/gyeonggi-cultural-foundation", KP.Foundation, "GyeongGi Cultural Foundation", alt=("GGCF",))
entity(
    "mongolia-teachers",
    "org/mongolia-association-of-korean-language-teachers",
    KP.Association,
    "Mongolia's first association of Korean language teachers",
)
entity(
    "koica",
    "org/koica",
    KP.Agency,
    "Korea International Cooperation Agency",
    alt=("KOICA",),
)
entity("gg-office", "org/gyeonggi-provincial-office", KP.Organization, "Gyeonggi-do Provincial Office")
entity(
    "incheon-ico",
    "org/incheon-international-cooperation-office",
    KP.GovernmentDepartment,
    "International Cooperation Office of Incheon City",
    alt=("International Cooperation Office",),
)
entity("gil", "org/gil-medical-center", KP.Hospital, "Gil Medical Center")
entity("inha-hospital", "org/inha-university-hospital", KP.Hospital, "Inha University Hospital")
entity("gcf", "org/gcf", KP.Organization, "GCF", comment="The source gives only the abbreviation GCF.")
entity("nam", "person/governor-nam", KP.Person, "Governor Nam")
entity("yoo", "person/yoo-byeong-yoon", KP.Person, "Yoo Byeong-yoon")


def in_country(country):
    return {KP.country: country}


# ---------------------------------------------------------------------------------------------
# 000: the Contest for Exemplary Internationalization Cases (2018)
# ---------------------------------------------------------------------------------------------
def contest_2018() -> Document:
    d = Document(
        SEEDS,
        "gyeonggi-medical-contest-2018",
        "000_f1368a43703a9a9a.txt",
        "Gyeonggi Province’s International Medical Initiative Receives Grand Prize in Contest for Exemplary "
        "Internationalization Cases",
        created="2018-10-29",
    )
    q_korea = "Today, there are 243 local governments (17 metropolitan and 226 regular cities) in Korea that are "
    q_korea += "pursuing international exchange and cooperation with local governments overseas."
    d.mention("korea", q_korea)
    d.mention("gyeonggi", "Gyeonggi Province’s international medical initiative", in_country("korea"))
    d.mention("gak", "Hosted by the Governors Association of Korea", in_country("korea"))
    for key, quote, facts in [
        ("daejeon", "Daejeon Metropolitan City", in_country("korea")),
        ("busan", "Yeongdo-gu, Busan", in_country("korea")),
        ("yeongdo", "Yeongdo-gu, Busan", {KP.locatedIn: "busan", KP.country: "korea"}),
        ("bucheon", "Bucheon City, Gyeonggi Province", {KP.locatedIn: "gyeonggi", KP.country: "korea"}),
        ("suwon", "Suwon City, Gyeonggi Province", {KP.locatedIn: "gyeonggi", KP.country: "korea"}),
        ("jeollanam", "Yeosu City, Jellanam-do Province", in_country("korea")),
        ("yeosu", "Yeosu City, Jellanam-do Province", {KP.locatedIn: "jeollanam", KP.country: "korea"}),
    ]:
        d.mention(key, quote, facts)

    entries = [
        ("gyeonggi", "gyeonggi-global-healthcare", "Gyeonggi Province Global Healthcare Support Project"),
        (
            "daejeon",
            "daejeon-asia-pacific-city-summit",
            "Successful Hosting of 2017 Asia Pacific City Summit",
        ),
        (
            "bucheon",
            "bucheon-international-relations",
            "Strengthening Competitiveness in the World through the Advancement of Bucheon’s International Relations",
        ),
        (
            "yeongdo",
            "yeongdo-global-culture-city",
            "Building a Futuristic Global Culture City, an International City for the World: Yeongdo",
        ),
        ("suwon", "suwon-embracing-the-world", "Suwon City: Embracing the World"),
        (
            "yeosu",
            "yeosu-city-of-happiness",
            "Serving through Small Acts of Sharing: Yeosu, a City of Happiness",
        ),
    ]
    entry_nodes = []
    for entrant, slug, title in entries:
        line = [ln for ln in d.text.splitlines() if ln.endswith(title)][0]
        facts = {KP.entrant: entrant}
        if entrant == "gyeonggi":
            facts[KP.award] = Literal("grand prize", lang="en")
            facts[KP.field] = "field:medical"
        entry_nodes.append(
            d.node(
                f"event/contest-exemplary-internationalization-cases-2018/{slug}",
                KP.ContestEntry,
                title,
                line,
                facts,
            )
        )
    d.node(
        "event/contest-exemplary-internationalization-cases-2018",
        KP.Contest,
        "Contest for Exemplary Internationalization Cases 2018",
        [
            "Gyeonggi Province advanced to the final round and won the grand prize at the Contest for Exemplary "
            "Internationalization Cases on October 23.",
            "○ Hosted and Supervised by: Governors Association of Korea",
            "○ Contest Topic: Cases of increasing positive relations with local governments overseas through "
            "sisterhood agreements and friendly relations and contributing to fostering a global mindset",
        ],
        {
            KP.topic: english(
                "Cases of increasing positive relations with local governments overseas through sisterhood agreements "
                "and friendly relations and contributing to fostering a global mindset"
            ),
            KP.organizer: "gak",
            SCHEMA.startDate: date("2018-10-23"),
            KP.finalist: entry_nodes,
            KP.winner: entry_nodes[0],
            KP.field: "field:diplomacy",
        },
        comment="The page gives 'October 23' without a year; 2018 is the year of the page (created 2018-10-29).",
    )
    contest_node = ID["event/contest-exemplary-internationalization-cases-2018"]
    q_daejeon = "– Daejeon Metropolitan City / Successful Hosting of 2017 Asia Pacific City Summit"
    summit = d.node(
        "event/asia-pacific-city-summit-2017",
        KP.Summit,
        "2017 Asia Pacific City Summit",
        q_daejeon,
        {KP.organizer: "daejeon", KP.location: "daejeon", SCHEMA.startDate: date("2017")},
    )
    d.facts(entry_nodes[1], q_daejeon, {KP.presents: summit})
    q243 = "○ Participants: 243 local governments in Korea (17 metropolitan and 226 regular cities)"
    d.count(
        "korea-local-governments-2018",
        "Korea: 243 local governments (2018)",
        "korea",
        243,
        "counted:local-government",
        [q_korea, q243],
        period="2018",
    )
    d.count(
        "korea-metropolitan-local-governments-2018",
        "Korea: 17 metropolitan local governments (2018)",
        "korea",
        17,
        "counted:metropolitan-local-government",
        [q_korea, q243],
        period="2018",
    )
    d.count(
        "korea-basic-local-governments-2018",
        "Korea: 226 regular cities (2018)",
        "korea",
        226,
        "counted:basic-local-government",
        [q_korea, q243],
        period="2018",
    )
    d.count(
        "contest-2018-participants",
        "Contest 2018: 243 participating local governments",
        contest_node,
        243,
        "counted:local-government",
        q243,
    )
    d.count(
        "contest-2018-finalists",
        "Contest 2018: 6 initiatives in the final round",
        contest_node,
        6,
        "counted:project",
        "In the final round, 6 local government initiatives for international exchange and cooperation were "
        "selected as contenders including Gyeonggi Province’s international medical initiative.",
    )
    q23 = (
        "Since 2009, Gyeonggi Province has signed 23 cooperative health and medical treatment agreements with "
        "12 countries, including Kazakhstan, dedicating efforts to expand the international medical business sector."
    )
    d.count(
        "gyeonggi-health-medical-agreements",
        "Gyeonggi Province: 23 health and medical agreements since 2009",
        "gyeonggi",
        23,
        "counted:agreement",
        q23,
        kind="kind:health-medical-cooperation",
        field="field:medical",
        since="2009",
    )
    d.count(
        "gyeonggi-health-medical-agreement-countries",
        "Gyeonggi Province: health and medical agreements with 12 countries since 2009",
        "gyeonggi",
        12,
        "counted:country",
        q23,
        kind="kind:health-medical-cooperation",
        field="field:medical",
        since="2009",
    )
    d.mention("kazakhstan", "with 12 countries, including Kazakhstan")
    d.node(
        "agreement/gyeonggi-kazakhstan-health-medical",
        KP.Agreement,
        "Gyeonggi Province – Kazakhstan health and medical cooperation agreement",
        q23,
        {
            KP.party: ["gyeonggi", "kazakhstan"],
            KP.tieKind: "kind:health-medical-cooperation",
            KP.field: "field:medical",
        },
        comment="The source names Kazakhstan as one of the 12 countries with which the 23 agreements were signed "
        "(since 2009); it gives neither the date nor the Kazakh signatory.",
    )
    q539 = (
        "One such effort was the provision of training programs in Korea for foreign medical personnel; 539 "
        "participants from 10 countries completed these programs."
    )
    program = d.node(
        "program/gyeonggi-medical-personnel-training",
        KP.TrainingProgram,
        "Gyeonggi Province training programs for foreign medical personnel",
        [
            "Since 2011, the province has been pursuing more human resource exchange initiatives for the overseas "
            "expansion of the medical industry.",
            q539,
        ],
        {
            KP.organizer: "gyeonggi",
            KP.location: "korea",
            KP.field: ["field:medical", "field:human-resources"],
            KP.participantCount: integer(539),
            SCHEMA.startDate: date("2011"),
            KP.programKind: "pkind:training",
            KP.trainingDirection: "direction:inbound",
            KP.audience: "audience:medical-personnel",
        },
        comment="Start year 2011 is the start of the human resource exchange initiatives of which these programs "
        "are one.",
    )
    d.count(
        "gyeonggi-medical-training-participants",
        "Medical personnel training: 539 participants",
        program,
        539,
        "counted:participant",
        q539,
        field="field:medical",
    )
    d.count(
        "gyeonggi-medical-training-countries",
        "Medical personnel training: participants from 10 countries",
        program,
        10,
        "counted:country",
        q539,
        field="field:medical",
    )
    d.node(
        "program/gyeonggi-international-medical-initiative-basic-plan-2018-2020",
        KP.Plan,
        "Gyeonggi Province International Medical Initiative Basic Plan (2018 to 2020)",
        "To ensure systematic implementation, Gyeonggi Province has accepted and is following the Gyeonggi Province "
        "International Medical Initiative Basic Plan (2018 to 2020).",
        {
            KP.organizer: "gyeonggi",
            KP.field: "field:medical",
            SCHEMA.startDate: date("2018"),
            SCHEMA.endDate: date("2020"),
            KP.programKind: "pkind:plan",
        },
    )
    plan = ID["program/gyeonggi-international-medical-initiative-basic-plan-2018-2020"]
    q_headline = (
        "Gyeonggi Province’s International Medical Initiative Receives Grand Prize in Contest for Exemplary "
        "Internationalization Cases"
    )
    q_final = (
        "In the final round, 6 local government initiatives for international exchange and cooperation were "
        "selected as contenders including Gyeonggi Province’s international medical initiative."
    )
    initiative = d.node(
        "program/gyeonggi-international-medical-initiative",
        KP.Program,
        "Gyeonggi Province’s international medical initiative",
        [q_headline, q_final, q23],
        {
            KP.organizer: "gyeonggi",
            KP.field: "field:medical",
            KP.programKind: "pkind:initiative",
            KP.underAgreement: ID["agreement/gyeonggi-kazakhstan-health-medical"],
            SCHEMA.startDate: date("2009"),
            KP.purpose: english("expand the international medical business sector"),
        },
        comment="The initiative the contest entry presented. It groups the health and medical agreements (23 with 12 "
        "countries since 2009; only Kazakhstan is named), the training of foreign medical personnel (since 2011) "
        "and the Basic Plan (2018 to 2020). Start 2009: the first of the agreements.",
    )
    d.facts(program, q539, {KP.partOf: initiative})
    d.facts(
        plan,
        "To ensure systematic implementation, Gyeonggi Province has accepted and is following the Gyeonggi Province "
        "International Medical Initiative Basic Plan (2018 to 2020).",
        {KP.partOf: initiative},
    )
    for statement in ("gyeonggi-health-medical-agreements", "gyeonggi-health-medical-agreement-countries"):
        d.facts(ID[f"statement/{statement}"], q23, {KP.about: initiative})
    winner = entry_nodes[0]
    d.facts(winner, [q_headline, q_final], {KP.presents: initiative})
    d.contradiction(
        "contest-2018-winning-entry-title",
        "Winning entry: 'International Medical Initiative' (headline) vs 'Global Healthcare Support Project' (list)",
        [winner, initiative],
        [q_headline, "– Gyeonggi Province / Gyeonggi Province Global Healthcare Support Project"],
        "The headline says Gyeonggi Province's 'International Medical Initiative' received the grand prize; the list "
        "of the final round gives Gyeonggi Province's case title as 'Gyeonggi Province Global Healthcare Support "
        "Project'. The entry keeps the listed title as its label and kp:presents the initiative; which name the "
        "award was given under is not settled by the page.",
    )
    return d


# ---------------------------------------------------------------------------------------------
# 001: the public-private medical tourism MOU (2014)
# ---------------------------------------------------------------------------------------------
def medical_tourism_mou_2014() -> Document:
    d = Document(
        SEEDS,
        "gyeonggi-medical-tourism-mou-2014",
        "001_05d6d836ae6abaf7.txt",
        "“Public-private cooperation of Gyeonggi Province in medical tourism: Model of Creative Economy”",
        created="2014-10-06",
        source="http://namkyungpil.gg.go.kr/archives/83592",
    )
    q_sign = (
        "At the Gyeonggi Small and Medium Business Center (GSBC) on September 3, Gyeonggi Province signed a "
        "public-private cooperation MOU for the development of medical tourism, with Governor Nam and officials "
        "from seven cities/counties within the province and seven organizations attending."
    )
    q_typo = (
        "◇\u00a0At the GSBC On September 3, Gyeonggi Province singed an MOU of public-private cooperation for the "
        "development of medical tourism, with Governor Nam and officials from seven cities/counties within the "
        "province and seven organizations attending."
    )
    q_who = (
        "The signing ceremony held that day was attended by related officials from strategic medical tourism areas "
        "in Gyeonggi Province including Suwon City, Seongnam City, Goyang City, Bucheon City, Ansan City, Anyang "
        "City, and Gapyeong Country, as well as private organizations such as the Gyeonggi International Medical "
        "Association, the Gyeonggi Overseas Marketing Professional Association, Gacheon University, Yuhan College, "
        "the Korea Hotel & Tourism Technical College, the Gyeonggi Tourism Organization, and the Gyeonggi Medical "
        "Center."
    )
    d.mention("korea", "the first time among Korean local governments")
    d.mention("gyeonggi", q_sign)
    cities = ["suwon", "seongnam", "goyang", "bucheon", "ansan", "anyang", "gapyeong"]
    orgs = ["gima", "gompa", "gacheon", "yuhan", "khttc", "gto", "gmc"]
    for key in cities:
        d.mention(key, q_who, {KP.locatedIn: "gyeonggi", KP.country: "korea"})
    for key in orgs:
        d.mention(key, q_who)
    d.mention("gsbc", q_sign)
    d.mention(
        "nam",
        "Governor Nam delivers greetings",
        {ORG.headOf: "gyeonggi"},
        comment="Governor of Gyeonggi Province; the page names him only as 'Governor Nam'.",
    )
    q_gmtic = (
        "To that end, and for the first time among Korean local governments, the Gyeonggi Medical Tourism "
        "Information Center will be established under the Gyeonggi Tourism Organization."
    )
    gmtic = d.mention(
        "gmtic",
        [
            q_gmtic,
            "The Gyeonggi Medical Tourism Information Center – which will be responsible for the collection and "
            "provision of medical tourism information, consultation, cooperative network management, promotional "
            "marketing and more – will be sponsored by the province, cities and counties.",
        ],
        {ORG.subOrganizationOf: "gto", KP.field: "field:medical-tourism", KP.sponsor: "gyeonggi"},
        comment="Planned in 2014 ('will be established'). Sponsored by 'the province, cities and counties': the "
        "province is Gyeonggi; the cities and counties are not named (the seven of the MOU are likely, not stated).",
    )
    ceremony = d.node(
        "event/gyeonggi-medical-tourism-mou-signing-2014",
        KP.Ceremony,
        "Signing ceremony of the Gyeonggi medical tourism MOU (2014-09-03)",
        [q_sign, q_who],
        {
            KP.location: "gsbc",
            SCHEMA.startDate: date("2014-09-03"),
            KP.organizer: "gyeonggi",
            KP.attendee: ["nam"] + cities + orgs,
        },
        comment="The page gives 'September 3' without a year; 2014 is the year of the page (created 2014-10-06).",
    )
    mou = d.node(
        "agreement/gyeonggi-medical-tourism-public-private-mou-2014",
        KP.Agreement,
        "Gyeonggi public-private cooperation MOU for the development of medical tourism (2014)",
        [
            q_sign,
            q_typo,
            "Gyeonggi Province signs MOU on September 3 with 14 organizations for vitalization of medical tourism",
            q_who,
            "Organizations participating in the MOU all agreed to develop services for the convenience of medical "
            "tourists, and to engage in cooperative marketing, nurture professional manpower, foster excellent "
            "cooperative organizations, and establish infrastructure jointly.",
            "As the first comprehensive agreement made by a self-governing body with cities and counties as well as "
            "medical and tourism organizations participating,",
        ],
        {
            KP.party: ["gyeonggi"] + cities + orgs,
            KP.tieKind: "kind:mou",
            KP.field: ["field:medical-tourism", "field:tourism", "field:medical"],
            KP.signedDate: date("2014-09-03"),
            KP.signingEvent: ceremony,
        },
        comment="Parties: the province, the seven cities/counties and the seven organizations named as attending "
        "the signing ceremony (7 + 7 = the '14 organizations' of the headline).",
    )
    # the center comes out of the MOU: 'To that end' = the MOU parties' plan of a one-stop service
    d.facts(
        gmtic,
        [
            "They also plan to create a database by integrating medical tourism information from widespread sources "
            "for the convenience of foreigners, and to provide a one-stop medical tourism service through a website in "
            "which medical information and tourism information are well balanced.",
            q_gmtic,
        ],
        {KP.resultsFrom: mou},
    )
    d.count(
        "medical-tourism-mou-2014-organizations",
        "Medical tourism MOU: 14 organizations",
        mou,
        14,
        "counted:organization",
        "Gyeonggi Province signs MOU on September 3 with 14 organizations for vitalization of medical tourism",
        comment="Consistent with the lists: seven cities/counties and seven organizations.",
    )
    d.count(
        "medical-tourism-mou-2014-cities-counties",
        "Medical tourism MOU: 7 cities/counties",
        mou,
        7,
        "counted:city-or-county",
        q_sign,
    )
    d.count(
        "medical-tourism-mou-2014-other-organizations",
        "Medical tourism MOU: 7 organizations",
        mou,
        7,
        "counted:organization",
        q_sign,
    )
    d.contradiction(
        "medical-tourism-mou-2014-organization-count",
        "Medical tourism MOU: 14 organizations (headline) vs seven organizations (body)",
        [
            mou,
            ID["statement/medical-tourism-mou-2014-organizations"],
            ID["statement/medical-tourism-mou-2014-other-organizations"],
        ],
        [
            "Gyeonggi Province signs MOU on September 3 with 14 organizations for vitalization of medical tourism",
            q_sign,
        ],
        "The headline counts 14 organizations; the body counts seven cities/counties and seven organizations. The "
        "numbers agree only if the headline counts the seven cities/counties as organizations; both counts are kept.",
    )
    q_tour = (
        "With a total of 25,673 tourists last year, the number of medical tourists visiting Gyeonggi Province has "
        "increased by an annual average of 22.1%, ranking second out of the 17 local governments."
    )
    d.count(
        "gyeonggi-medical-tourists-2013",
        "Gyeonggi Province: 25,673 medical tourists (2013)",
        "gyeonggi",
        25673,
        "counted:tourist",
        q_tour,
        field="field:medical-tourism",
        period="2013",
        comment="'last year' in a page of 2014; the 22.1% annual average growth and the rank (second of 17) are "
        "the statistic id/statistic/gyeonggi-medical-tourists-annual-growth.",
    )
    d.statistic(
        "gyeonggi-medical-tourists-annual-growth",
        "Gyeonggi Province: medical tourists up 22.1% a year on average, second of 17 local governments (to 2013)",
        "gyeonggi",
        "22.1",
        "unit:percent",
        "measure:annual-average-growth-rate",
        q_tour,
        period="2013",
        rank=2,
        out_of=17,
        counted="counted:tourist",
        field="field:medical-tourism",
        comment="Annual average growth of the number of medical tourists visiting Gyeonggi Province, up to 'last "
        "year' (2013, a page of 2014); the years averaged over are not stated. 'ranking second out of the 17 local "
        "governments' is read as the rank of this growth; the sentence could also rank the number of tourists.",
    )
    d.count(
        "korea-local-governments-17-2014",
        "Korea: 17 local governments ranked for medical tourists (2014)",
        "korea",
        17,
        "counted:metropolitan-local-government",
        q_tour,
        period="2014",
        comment="The 17 upper-level local governments (metropolitan cities and provinces) of Korea.",
    )
    return d


# ---------------------------------------------------------------------------------------------
# 002: Cultural Policy Bulletin Vol.3, Diplomatic Policy of GyeongGi-do Province
# ---------------------------------------------------------------------------------------------
def bulletin_vol3() -> Document:
    d = Document(
        SEEDS,
        "gyeonggi-diplomatic-policy-bulletin-vol3",
        "002_a651f96dc8686d84.txt",
        "[Cultural Policy Bulletin Vol.3] Diplomatic Policy of GyeongGi-do Province",
        creator="Writer/ Foreign Policy Division of GyeongGi-do Province",
        publisher="GyeongGi Cultural Foundation",
    )
    q_formed = "GyeongGi-do Province’s Diplomatic Policy Department was formed in October 2014."
    q_teams = "The department is composed of three teams and 20 persons."
    d.mention("korea", "Invigoration of Korea’s diplomacy using the Korean Wave.")
    d.mention(
        "gyeonggi",
        "GyeongGi-do Province’s Diplomatic Policy Department’s major policies are focused on the following.",
        in_country("korea"),
    )
    d.mention("gdpd", [q_formed, q_teams], {ORG.unitOf: "gyeonggi", SCHEMA.foundingDate: date("2014-10")})
    d.mention("gfpd", "Writer/ Foreign Policy Division of GyeongGi-do Province", {ORG.unitOf: "gyeonggi"})
    d.mention("ggcf", "Writer/ GyeongGi Cultural Foundation", {KP.locatedIn: "gyeonggi"})
    d.possible_identity(
        "gyeonggi-diplomatic-policy-department-foreign-policy-division",
        "Gyeonggi Diplomatic Policy Department possibly the same as the Foreign Policy Division",
        "gdpd",
        "gfpd",
        "Same document: the bulletin describes the Diplomatic Policy Department's tasks and policies and is written "
        "by the Foreign Policy Division; both are units of Gyeonggi Province for international policy. Not "
        "confirmed: the division may instead be a team of the department ('three teams').",
        "0.4",
        [q_formed, "Writer/ Foreign Policy Division of GyeongGi-do Province", q_teams],
        "Kept as two organisations; kp:possiblySameAs links them so that a reader or a later source can decide.",
    )
    d.count("gyeonggi-dpd-teams", "Diplomatic Policy Department: 3 teams", "gdpd", 3, "counted:team", q_teams)
    d.count(
        "gyeonggi-dpd-persons",
        "Diplomatic Policy Department: 20 persons",
        "gdpd",
        20,
        "counted:person",
        q_teams,
    )
    d.count(
        "gyeonggi-dpd-tasks",
        "Diplomatic Policy Department: 12 major tasks",
        "gdpd",
        12,
        "counted:task",
        "It has twelve major tasks including the management, planning and coordination of international policy, "
        "planning and coordination of international events and establishment and operation of networks of "
        "international exchange and cooperation.",
    )

    q_nine = (
        "First, GyeongGi-do Province has selected nine countries (China, Japan, Taiwan, Mongolia, Australia, Canada, "
        "US, Germany and France) and 19 regions as the province’s partners for diplomacy and exchange."
    )
    nine = ["china", "japan", "taiwan", "mongolia", "australia", "canada", "us", "germany", "france"]
    for key in nine:
        d.mention(key, q_nine)
        d.node(
            f"partnership/gyeonggi-{key}-diplomacy-exchange-partner",
            KP.Partnership,
            f"Gyeonggi Province – {ENTITIES[key]['label']}: partner for diplomacy and exchange",
            q_nine,
            {KP.party: ["gyeonggi", key], KP.tieKind: "kind:designated-partner", KP.field: "field:diplomacy"},
        )
    d.count(
        "gyeonggi-partner-countries",
        "Gyeonggi Province: 9 partner countries for diplomacy and exchange",
        "gyeonggi",
        9,
        "counted:country",
        q_nine,
        kind="kind:designated-partner",
        comment="The nine countries are listed (see the partnerships gyeonggi-*-diplomacy-exchange-partner).",
    )
    d.count(
        "gyeonggi-partner-regions",
        "Gyeonggi Province: 19 partner regions for diplomacy and exchange",
        "gyeonggi",
        19,
        "counted:region",
        q_nine,
        kind="kind:designated-partner",
        comment="The 19 regions are not listed by the source.",
    )
    q_ties = (
        "GyeongGi-do Province currently has sisterhood ties with ten countries and 15 regions and has friendly "
        "(economic) cooperation agreements with 18 countries and 24 regions."
    )
    for slug, label, n, counted, kind in [
        (
            "gyeonggi-sisterhood-countries",
            "Gyeonggi Province: sisterhood ties with 10 countries",
            10,
            "country",
            "sisterhood",
        ),
        (
            "gyeonggi-sisterhood-regions",
            "Gyeonggi Province: sisterhood ties with 15 regions",
            15,
            "region",
            "sisterhood",
        ),
        (
            "gyeonggi-friendly-cooperation-countries",
            "Gyeonggi Province: friendly (economic) cooperation agreements with 18 countries",
            18,
            "country",
            "friendly-cooperation",
        ),
        (
            "gyeonggi-friendly-cooperation-regions",
            "Gyeonggi Province: friendly (economic) cooperation agreements with 24 regions",
            24,
            "region",
            "friendly-cooperation",
        ),
    ]:
        d.count(slug, label, "gyeonggi", n, f"counted:{counted}", q_ties, kind=f"kind:{kind}")

    q_asia = (
        "Examples of such projects are as follows: ODA projects in agriculture and forestry (three northeastern "
        "provinces in China), exchange program involving adolescents (Aichi Prefecture in Japan) and dispatch of "
        "civil servants (Kanagawa Prefecture in Japan and Liaoning Province in China)."
    )
    d.mention("aichi", q_asia, {KP.locatedIn: "japan", KP.country: "japan"})
    d.mention("kanagawa", q_asia, {KP.locatedIn: "japan", KP.country: "japan"})
    d.mention("liaoning", q_asia, {KP.locatedIn: "china", KP.country: "china"})
    oda_china = d.node(
        "program/gyeonggi-oda-agriculture-forestry-northeast-china",
        KP.AidProject,
        "Gyeonggi ODA projects in agriculture and forestry (three northeastern provinces in China)",
        q_asia,
        {
            KP.organizer: "gyeonggi",
            KP.location: "china",
            KP.beneficiary: "china",
            KP.field: ["field:agriculture-forestry", "field:official-development-assistance"],
            KP.programKind: "pkind:official-development-assistance",
        },
        comment="The three provinces are not named by the source.",
    )
    d.count(
        "oda-northeast-china-provinces",
        "ODA in agriculture and forestry: three northeastern provinces in China",
        oda_china,
        3,
        "counted:province",
        q_asia,
    )
    d.node(
        "program/gyeonggi-aichi-adolescent-exchange",
        KP.ExchangeProgram,
        "Gyeonggi – Aichi Prefecture exchange program involving adolescents",
        q_asia,
        {
            KP.organizer: "gyeonggi",
            KP.participantOrigin: ["gyeonggi", "aichi"],
            KP.field: "field:youth",
            KP.programKind: "pkind:exchange",
        },
    )
    d.node(
        "program/gyeonggi-civil-servant-dispatch",
        KP.ExchangeProgram,
        "Gyeonggi dispatch of civil servants to Kanagawa Prefecture and Liaoning Province",
        q_asia,
        {
            KP.organizer: "gyeonggi",
            KP.participantOrigin: "gyeonggi",
            KP.location: ["kanagawa", "liaoning"],
            KP.field: ["field:public-administration", "field:human-resources"],
            KP.programKind: "pkind:exchange",
            KP.trainingDirection: "direction:outbound",
        },
    )
    d.node(
        "program/gyeonggi-civil-servant-exchange",
        KP.ExchangeProgram,
        "Gyeonggi civil servant exchange programs",
        "To be more specific, it has strengthened its civil servant exchange programs while also increasing the "
        "number of civil servants dispatched.",
        {
            KP.organizer: "gyeonggi",
            KP.field: ["field:public-administration", "field:human-resources"],
            KP.programKind: "pkind:exchange",
        },
    )

    q_eu = (
        "GyeongGi-do Province has strengthened international exchange activities linked to its major projects with "
        "partners in Europe and the Americas as follows: Renewal of the implementation plan with Canada’s British "
        "Columbia and Australia’s Queensland (2017 to 2019), Sustainable cooperation with the US state of Virginia "
        "(policy meeting), Germany’s Bavaria and France’s Île-de-France."
    )
    for key, country in [
        ("british-columbia", "canada"),
        ("queensland", "australia"),
        ("virginia", "us"),
        ("bavaria", "germany"),
        ("ile-de-france", "france"),
    ]:
        d.mention(key, q_eu, {KP.locatedIn: country, KP.country: country})
    q_renewal = (
        "Renewal of the implementation plan with Canada’s British Columbia and Australia’s Queensland (2017 to 2019)"
    )
    renewed = []
    for key, label in [("british-columbia", "British Columbia"), ("queensland", "Queensland")]:
        earlier = d.node(
            f"agreement/gyeonggi-{key}-implementation-plan-before-2017",
            KP.Agreement,
            f"Gyeonggi Province – {label} implementation plan (the plan renewed for 2017 to 2019)",
            q_renewal,
            {KP.party: ["gyeonggi", key], KP.tieKind: "kind:implementation-plan"},
            comment="The plan the 2017 to 2019 plan renews; the source states only that it was renewed, not its "
            "dates or terms.",
        )
        renewed.append(
            d.node(
                f"agreement/gyeonggi-{key}-implementation-plan-2017-2019",
                KP.Agreement,
                f"Gyeonggi Province – {label} implementation plan (2017 to 2019)",
                [q_eu, q_renewal],
                {
                    KP.party: ["gyeonggi", key],
                    KP.tieKind: "kind:implementation-plan",
                    KP.validFrom: date("2017"),
                    KP.validUntil: date("2019"),
                    KP.renews: earlier,
                },
                comment="A renewal (kp:renews) of an earlier implementation plan, which the source does not describe. "
                "One plan with both regions or one per region: see id/contradiction/bc-queensland-plan-joint-or-"
                "bilateral.",
            )
        )
    d.contradiction(
        "bc-queensland-plan-joint-or-bilateral",
        "Renewed implementation plan: one joint plan or one plan per region?",
        renewed,
        ["Renewal of the implementation plan", "Canada’s British Columbia and Australia’s Queensland"],
        "The bulletin names one plan ('Renewal of the implementation plan', singular) with two partners in two "
        "countries, British Columbia (Canada) and Queensland (Australia). A joint three-party plan and two bilateral "
        "plans renewed together both fit the words. The data keeps two bilateral plans (the usual form of Gyeonggi's "
        "ties with a region, each with its own partner), each citing the sentence; no source settles it.",
    )
    d.contradiction(
        "europe-americas-partners-include-queensland",
        "'Partners in Europe and the Americas' include Australia's Queensland",
        ["queensland", renewed[1]],
        [
            "GyeongGi-do Province has strengthened international exchange activities linked to its major projects "
            "with partners in Europe and the Americas as follows:",
            "Australia’s Queensland (2017 to 2019)",
        ],
        "The sentence introduces its list as partners 'in Europe and the Americas', but the list includes "
        "Australia's Queensland, which is in neither; Queensland is kept as the source places it (in Australia).",
    )
    d.node(
        "partnership/gyeonggi-virginia",
        KP.Partnership,
        "Gyeonggi Province – Virginia cooperation",
        q_eu,
        {KP.party: ["gyeonggi", "virginia"], KP.tieKind: "kind:cooperation"},
    )
    d.node(
        "event/gyeonggi-virginia-policy-meeting",
        KP.Meeting,
        "Gyeonggi Province – Virginia policy meeting",
        q_eu,
        {KP.attendee: ["gyeonggi", "virginia"]},
        comment="Named as the form of the sustainable cooperation with Virginia; no date given.",
    )
    d.node(
        "partnership/gyeonggi-bavaria",
        KP.Partnership,
        "Gyeonggi Province – Bavaria cooperation",
        q_eu,
        {KP.party: ["gyeonggi", "bavaria"], KP.tieKind: "kind:cooperation"},
    )
    q_idf = (
        "As for the partnership with Île-de-France, GyeongGi-do Province is discussing with the French region so "
        "that it can cooperate with GyeongGi Cultural Foundation in arts and culture exchange."
    )
    d.node(
        "partnership/gyeonggi-ile-de-france",
        KP.Partnership,
        "Gyeonggi Province – Île-de-France partnership",
        [q_eu, q_idf],
        {KP.party: ["gyeonggi", "ile-de-france"], KP.tieKind: "kind:cooperation"},
    )
    d.node(
        "program/ile-de-france-ggcf-arts-culture-exchange",
        KP.Plan,
        "Île-de-France – GyeongGi Cultural Foundation arts and culture exchange (under discussion)",
        q_idf,
        {
            KP.organizer: ["gyeonggi", "ggcf"],
            KP.beneficiary: ["ile-de-france", "ggcf"],
            KP.field: "field:culture-arts",
            KP.programKind: "pkind:plan",
        },
    )

    q_seven = (
        "Fourth, GyeongGi-do Province has selected seven strategic partner countries to carry out its ODA projects "
        "while also exploring and supporting emerging markets."
    )
    d.count(
        "gyeonggi-oda-strategic-partner-countries",
        "Gyeonggi Province: 7 strategic partner countries for ODA",
        "gyeonggi",
        7,
        "counted:country",
        q_seven,
        field="field:official-development-assistance",
        comment="The seven countries are not listed.",
    )
    q_ddabok = (
        "In relation to its major projects, the province has shared its best practices including the Ddabok House "
        "(the province’s housing project) through ODA."
    )
    ddabok_house = d.node(
        "program/gyeonggi-ddabok-house",
        KP.Program,
        "Ddabok House",
        q_ddabok,
        {
            KP.organizer: "gyeonggi",
            KP.field: "field:housing",
            KP.programKind: ["pkind:policy-case", "pkind:housing-project"],
        },
        comment="'the province’s housing project', shared as a best practice through ODA.",
    )
    d.node(
        "program/gyeonggi-ddabok-house-oda",
        KP.AidProject,
        "Ddabok House shared through ODA",
        q_ddabok,
        {
            KP.organizer: "gyeonggi",
            KP.field: ["field:housing", "field:official-development-assistance"],
            KP.programKind: "pkind:official-development-assistance",
            KP.sharedCase: ddabok_house,
        },
    )
    q_brand = (
        "GyeongGi-do Province’s Smart Class in Mongolia (the province’s brand project), Project for “independent "
        "villages with optimum technology” in Cambodia and Myanmar (the province’s brand project), Training program "
        "inviting civil servants from five major partner countries."
    )
    d.mention("cambodia", q_brand)
    d.mention("myanmar", q_brand)
    smart = d.node(
        "program/gyeonggi-smart-class-mongolia",
        KP.AidProject,
        "Smart Class of the Korean Language in Mongolia",
        [
            q_brand,
            "One of the success stories of GyeongGi-do Province’s ODA projects is the Smart Class of the Korean "
            "Language in Mongolia.",
            "Local students’ interest in learning the Korean language thanks to the combination of ICT and language "
            "learning.",
        ],
        {
            KP.organizer: "gyeonggi",
            KP.location: "mongolia",
            KP.beneficiary: "mongolia",
            KP.field: [
                "field:korean-language",
                "field:education",
                "field:ict",
                "field:official-development-assistance",
            ],
            KP.programKind: ["pkind:official-development-assistance", "pkind:brand-project"],
        },
        alt=("Smart Class in Mongolia",),
        comment="'the province’s brand project'.",
    )
    # the four achievements of the Smart Class, as the bulletin lists them
    q_achieved = "This project had the following achievements:"
    for slug, text, about in [
        ("korean-diplomacy", "Invigoration of Korea’s diplomacy using the Korean Wave", "korea"),
        (
            "teachers-association",
            "Basis for the founding of Mongolia’s first association of Korean language teachers",
            "mongolia-teachers",
        ),
        (
            "students-interest",
            "Local students’ interest in learning the Korean language thanks to the combination of ICT and language "
            "learning",
            "mongolia",
        ),
        ("positive-image", "Positive image of Korea", "korea"),
    ]:
        d.node(
            f"outcome/smart-class-mongolia-{slug}",
            KP.Outcome,
            f"Smart Class in Mongolia: {text}",
            [q_achieved, text + "."],
            {KP.resultsFrom: smart, KP.about: about},
        )
    d.node(
        "program/gyeonggi-independent-villages-cambodia-myanmar",
        KP.AidProject,
        "Independent villages with optimum technology in Cambodia and Myanmar",
        q_brand,
        {
            KP.organizer: "gyeonggi",
            KP.location: ["cambodia", "myanmar"],
            KP.beneficiary: ["cambodia", "myanmar"],
            KP.field: ["field:rural-development", "field:official-development-assistance"],
            KP.programKind: ["pkind:official-development-assistance", "pkind:brand-project"],
        },
        comment="'the province’s brand project'.",
    )
    q_invite = (
        "GyeongGi-do Province has also invited civil servants from its partner countries such as Cambodia, Vietnam "
        "and Indonesia."
    )
    d.mention("vietnam", q_invite)
    d.mention("indonesia", q_invite)
    q_cases = (
        "On the occasion of such training programs, the province shared its exemplary cases of public "
        "administration including its overseas Ddabok community, Young Ideas (public contest), urban regeneration "
        "projects and new town development policy."
    )
    cases = [
        d.node(
            f"program/gyeonggi-{slug}",
            KP.Program,
            label,
            q_cases,
            {KP.organizer: "gyeonggi", KP.programKind: ["pkind:policy-case", *kinds], KP.field: fields},
            comment=comment,
        )
        for slug, label, kinds, fields, comment in [
            (
                "overseas-ddabok-community",
                "Overseas Ddabok community",
                [],
                "field:public-administration",
                "'its overseas Ddabok community'; the bulletin does not say more about it.",
            ),
            (
                "young-ideas",
                "Young Ideas",
                ["pkind:public-contest"],
                "field:public-administration",
                "'Young Ideas (public contest)'.",
            ),
            (
                "urban-regeneration",
                "Gyeonggi urban regeneration projects",
                ["pkind:urban-regeneration"],
                "field:urban-development",
                None,
            ),
            (
                "new-town-development",
                "Gyeonggi new town development policy",
                ["pkind:new-town-development"],
                "field:urban-development",
                None,
            ),
        ]
    ]
    training = d.node(
        "program/gyeonggi-partner-country-civil-servant-training",
        KP.TrainingProgram,
        "Gyeonggi training program inviting civil servants from five major partner countries",
        [
            q_brand,
            q_invite,
            q_cases,
        ],
        {
            KP.organizer: "gyeonggi",
            KP.location: "gyeonggi",
            KP.participantOrigin: ["cambodia", "vietnam", "indonesia"],
            KP.field: [
                "field:public-administration",
                "field:urban-development",
                "field:official-development-assistance",
            ],
            KP.programKind: ["pkind:training", "pkind:official-development-assistance"],
            KP.trainingDirection: "direction:inbound",
            KP.audience: "audience:public-official",
            KP.sharedCase: cases,
        },
        comment="Cambodia, Vietnam and Indonesia are examples ('such as') of the five countries; the other two are "
        "not named.",
    )
    d.count(
        "gyeonggi-civil-servant-training-countries",
        "Civil servant training: five major partner countries",
        training,
        5,
        "counted:country",
        q_brand,
    )
    d.count(
        "gyeonggi-interpreters",
        "Gyeonggi Province: pool of 152 interpreters and translators",
        "gyeonggi",
        152,
        "counted:interpreter",
        "offers the province’s working-level manual on international exchange and has a pool of 152 interpreters "
        "and translators.",
    )
    d.node(
        "event/gyeonggi-global-forum",
        KP.Conference,
        "Gyeonggi global forum",
        "runs a global forum",
        {KP.organizer: "gyeonggi", KP.field: "field:diplomacy"},
        comment="Recurring; no date given.",
    )
    d.mention("mongolia", q_nine)
    d.mention(
        "mongolia-teachers",
        "Basis for the founding of Mongolia’s first association of Korean language teachers.",
        {KP.locatedIn: "mongolia", KP.country: "mongolia", SCHEMA.isBasedOn: smart},
        comment="An achievement of the Smart Class project; the association's name is not given.",
    )
    return d


# ---------------------------------------------------------------------------------------------
# 003: Gyeonggi-do training of public officials (China exchange, KOICA), table 2014-2016
# ---------------------------------------------------------------------------------------------
TABLE = [
    # year, origin, period, trainees, group
    (2016, "shandong", "Jun. 29 – Jul. 12", 14, "china"),
    (2016, "iraq", "Aug. 23 – Sep. 2", 15, "koica"),
    (2015, "jiangsu", "Apr. 13 – Apr. 26", 15, "china"),
    (2015, "shandong", "May 27 – Jun. 9", 15, "china"),
    (2015, "hebei", "Sep. 17 – Sep. 30", 15, "china"),
    (2015, "guangdong", "Nov. 9 – Dec. 4", 18, "china"),
    (2015, "liaoning", "Oct. 25 – Nov. 7", 14, "china"),
    (2015, "peru", "Mar. 23 – Apr. 3", 14, "koica"),
    (2015, "iraq-krg", "May 19 – May 29", 19, "koica"),
    (2015, "haiti", "Sep. 1 – Sep. 11", 15, "koica"),
    (2015, "iraq", "Oct. 20 – Oct. 30", 19, "koica"),
    (2014, "guangdong", "Jun. 23 – Jul. 18", 20, "china"),
    (2014, "hebei", "Sep. 15 – Sep. 26", 17, "china"),
    (2014, "shandong", "Oct. 14 – Oct. 27", 13, "china"),
    (2014, "iraq-krg", "Jun. 24 – Jul. 4", 15, "koica"),
    (2014, "bhutan", "Aug. 25 – Sep. 2", 20, "koica"),
    (2014, None, "Sep. 17 – Oct. 3", 15, "koica"),
    (2014, "afghanistan", "Oct. 20 – Oct. 31", 16, "koica"),
    (2014, "peru", "Nov. 10 – Nov. 14", 13, "koica"),
]
ROW_NAME = {"iraq-krg": "Iraq KRG", "bhutan": "Butan", None: "Global Training"}
MONTHS = {m: i for i, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), 1)}


def table_date(year, text):
    month, day = text.replace(".", " ").split()
    return date(f"{year}-{MONTHS[month]:02d}-{int(day):02d}")


def training_2016() -> Document:
    d = Document(
        SEEDS,
        "gyeonggi-public-officials-training",
        "003_7b122729f0933d08.txt",
        "Global Inspiration GyeongGi-Do",
        publisher="Gyeonggi-do Provincial Office",
    )
    d.mention(
        "korea",
        "Case studies to understand the history, culture, politics and economy of Gyeonggi-do of Korea and China",
    )
    d.mention(
        "china",
        "Case studies to understand the history, culture, politics and economy of Gyeonggi-do of Korea and China",
    )
    d.mention(
        "gyeonggi",
        "Case studies to understand the history, culture, politics and economy of Gyeonggi-do of Korea and China",
        in_country("korea"),
    )
    d.mention("gg-office", "Person in charge of content : Gyeonggi-do Provincial Office", {KP.locatedIn: "gyeonggi"})
    q_agr = (
        "Agreement for mutual exchange and training of public officials between Gyeonggi-do and five provinces of China"
    )
    agreements = {}
    for key, row, when, suffix in [
        ("liaoning", "Liaoning Province General 2001.04", "2001-04", "general"),
        ("liaoning", "Executives 2012.03", "2012-03", "executives"),
        ("guangdong", "Guangdong Province 2005.10", "2005-10", None),
        ("jiangsu", "Jiangsu Province 2013.01", "2013-01", None),
        ("hebei", "Hebei Province 2013.01", "2013-01", None),
        ("shandong", "Shandong Province 2013.05", "2013-05", None),
    ]:
        d.mention(key, q_agr, {KP.locatedIn: "china", KP.country: "china"})
        name = ENTITIES[key]["label"]
        label = f"Gyeonggi-do – {name} agreement for exchange and training of public officials"
        slug = f"agreement/gyeonggi-{key}-officials-exchange-training"
        if suffix:
            label += f" ({suffix})"
            slug += f"-{suffix}"
        agreements[(key, suffix)] = d.node(
            slug,
            KP.Agreement,
            label,
            [q_agr, row],
            {
                KP.party: ["gyeonggi", key],
                KP.tieKind: "kind:officials-exchange-training",
                KP.field: "field:public-administration",
                KP.signedDate: date(when),
            },
            comment=None if suffix is None else f"Classification '{suffix.capitalize()}' in the agreement table.",
        )
    d.count(
        "gyeonggi-officials-exchange-provinces",
        "Officials exchange and training: five provinces of China",
        "gyeonggi",
        5,
        "counted:province",
        q_agr,
        kind="kind:officials-exchange-training",
        comment="The five provinces are listed in the agreement table (Liaoning, Guangdong, Jiangsu, Hebei, Shandong).",
    )

    q_cost = (
        "* According to the training agreement, an organization to which the trainees belongs covers airfare and "
        "traveling expenses and the other country assumes responsibility for accommodation and education expenses."
    )
    q_ways = (
        "Gyeonggi-do → China (province, city and county public officials), China → Gyeonggi-do (public "
        "officials from five provinces in China)"
    )
    q_independent = "China sub Total 1 course 14 Independent Project"
    five = ["liaoning", "guangdong", "jiangsu", "hebei", "shandong"]
    costs = ["costs:independent-project", "costs:travel-by-sender-stay-by-host"]
    rule = "costs:travel-by-sender-stay-by-host"  # the outbound courses are not in the table, whose remark it is
    china_program = d.node(
        "program/gyeonggi-china-public-officials-exchange-training",
        KP.TrainingProgram,
        "Mutual exchange and training of public officials between Gyeonggi-do and China",
        [q_agr, q_ways, q_cost, q_independent],
        {
            KP.organizer: "gyeonggi",
            KP.participantOrigin: ["gyeonggi", "china"],
            KP.location: ["gyeonggi", "china"],
            KP.underAgreement: list(agreements.values()),
            KP.field: "field:public-administration",
            KP.programKind: ["pkind:training", "pkind:exchange"],
            KP.trainingDirection: ["direction:inbound", "direction:outbound"],
            KP.costSharing: costs,
            KP.audience: "audience:public-official",
        },
        comment="Two ways: China → Gyeonggi-do (inbound, the courses of the training table) and Gyeonggi-do → "
        "China (outbound). Remarks in the training table: 'Independent Project'; costs per the training agreement.",
    )
    inbound = d.node(
        "program/gyeonggi-china-officials-training-inbound",
        KP.TrainingProgram,
        "China → Gyeonggi-do: training of public officials from five provinces of China",
        [q_ways, q_cost, q_independent, "Overseas Public Officials’ Training in Gyeonggi-do (Last 3 Years)"],
        {
            KP.partOf: china_program,
            KP.organizer: "gyeonggi",
            KP.participantOrigin: five,
            KP.location: "gyeonggi",
            KP.field: "field:public-administration",
            KP.programKind: "pkind:training",
            KP.trainingDirection: "direction:inbound",
            KP.costSharing: costs,
            KP.audience: "audience:public-official",
        },
        comment="Under the training agreement the trainees' provinces pay airfare and travel, Gyeonggi-do pays "
        "accommodation and education. Its courses are the 'China' rows of the training table.",
    )
    outbound = d.node(
        "program/gyeonggi-china-officials-training-outbound",
        KP.TrainingProgram,
        "Gyeonggi-do → China: training of province, city and county public officials in China",
        [q_ways, q_cost],
        {
            KP.partOf: china_program,
            KP.organizer: "gyeonggi",
            KP.participantOrigin: "gyeonggi",
            KP.location: "china",
            KP.field: "field:public-administration",
            KP.programKind: "pkind:training",
            KP.trainingDirection: "direction:outbound",
            KP.costSharing: rule,
            KP.audience: "audience:public-official",
        },
        comment="Under the training agreement Gyeonggi-do (or the trainees' city or county) pays airfare and "
        "travel, the Chinese province pays accommodation and education.",
    )
    q_in = "China → Gyeonggi-do: 1 course (14 trainees) (from Shandong Province)"
    q_out = "Gyeonggi-do → China: 4 courses (64 trainees) (in Liaoning, Jiangsu, Hebei and Shandong)"
    outbound_2016 = d.node(
        "program/gyeonggi-china-officials-training-outbound-2016",
        KP.TrainingProgram,
        "Gyeonggi-do → China 2016: 4 courses in Liaoning, Jiangsu, Hebei and Shandong",
        [q_out, "Promotion Status in 2016"],
        {
            KP.partOf: outbound,
            KP.organizer: "gyeonggi",
            KP.participantOrigin: "gyeonggi",
            KP.location: ["liaoning", "jiangsu", "hebei", "shandong"],
            KP.courseCount: integer(4),
            KP.traineeCount: integer(64),
            SCHEMA.startDate: date("2016"),
            SCHEMA.endDate: date("2016"),
            KP.field: "field:public-administration",
            KP.programKind: "pkind:training",
            KP.trainingDirection: "direction:outbound",
            KP.costSharing: rule,
            KP.audience: "audience:public-official",
        },
        comment="The four outbound courses of 2016 are not listed one by one (the training table lists inbound "
        "courses only).",
    )
    for slug, label, about, n, counted, quote in [
        ("china-to-gyeonggi-2016-courses", "China → Gyeonggi-do 2016: 1 course", inbound, 1, "course", q_in),
        ("china-to-gyeonggi-2016-trainees", "China → Gyeonggi-do 2016: 14 trainees", inbound, 14, "trainee", q_in),
        ("gyeonggi-to-china-2016-courses", "Gyeonggi-do → China 2016: 4 courses", outbound_2016, 4, "course", q_out),
        (
            "gyeonggi-to-china-2016-trainees",
            "Gyeonggi-do → China 2016: 64 trainees",
            outbound_2016,
            64,
            "trainee",
            q_out,
        ),
    ]:
        d.count(slug, label, about, n, f"counted:{counted}", quote, period="2016")

    d.mention(
        "koica",
        "Consignment of training projects to invite overseas public officials to Korea by the Korea "
        "International Cooperation Agency (KOICA)",
        in_country("korea"),
    )
    q_358 = "* Progresses: 358 trainees in 22 courses (Afghanistan, Jordan, Iraq, Cambodia, Bhutan, Peru, Tunisia)"
    for key in ("afghanistan", "jordan", "iraq", "cambodia", "bhutan", "peru", "tunisia"):
        d.mention(key, q_358)
    koica_program = d.node(
        "program/gyeonggi-koica-developing-countries-officials-training",
        KP.TrainingProgram,
        "Training Course by Inviting Public Officials of Developing Countries",
        [
            "Training Course by Inviting Public Officials of Developing Countries",
            "Full cost sharing by the Korea International Cooperation Agency (KOICA)",
            "Consignment operation of KOICA global training public invitation course",
            q_358,
            "Mid-level and high-ranking officials from each country",
            "To foster public officials capable of leading social and economic development in developing countries",
            "Developing Countries sub Total 1 course 14 KOICA Cost Sharing",
            "Consignment of training projects to invite overseas public officials to Korea by the Korea "
            "International Cooperation Agency (KOICA)",
        ],
        {
            KP.organizer: "gyeonggi",
            KP.funder: "koica",
            KP.location: "gyeonggi",
            KP.participantOrigin: ["afghanistan", "jordan", "iraq", "cambodia", "bhutan", "peru", "tunisia"],
            KP.traineeCount: integer(358),
            KP.courseCount: integer(22),
            KP.field: ["field:public-administration", "field:official-development-assistance"],
            KP.programKind: ["pkind:training", "pkind:official-development-assistance"],
            KP.trainingDirection: "direction:inbound",
            KP.costSharing: "costs:koica-cost-sharing",
            KP.audience: ["audience:mid-level-official", "audience:high-ranking-official"],
            KP.purpose: english(
                "foster public officials capable of leading social and economic development in developing countries"
            ),
        },
        comment="Remarks in the training table: 'KOICA Cost Sharing' (full cost sharing by KOICA). Inbound: "
        "officials of developing countries are invited to Gyeonggi-do.",
    )
    d.count(
        "koica-training-trainees",
        "KOICA training (progress): 358 trainees",
        koica_program,
        358,
        "counted:trainee",
        q_358,
    )
    d.count(
        "koica-training-courses",
        "KOICA training (progress): 22 courses",
        koica_program,
        22,
        "counted:course",
        q_358,
    )
    d.count(
        "koica-training-countries",
        "KOICA training (progress): 7 countries listed",
        koica_program,
        7,
        "counted:country",
        q_358,
        comment="Seven countries named in parentheses; the source does not state the number itself.",
    )
    q_iraq_text = "Training by Inviting Public Officials from Developing Countries: 15 public officials of Iraq"
    d.count(
        "koica-training-2016-trainees-text",
        "KOICA training 2016: 15 public officials of Iraq (text)",
        koica_program,
        15,
        "counted:trainee",
        q_iraq_text,
        period="2016",
    )

    # the training table, row by row
    d.mention("haiti", "Haiti Sep. 1 – Sep. 11 15")
    d.mention("iraq-krg", "Iraq KRG May 19 – May 29 19", {KP.locatedIn: "iraq", KP.country: "iraq"})
    courses = {}
    for year, origin, period, n, group in TABLE:
        name = ROW_NAME.get(origin) or ENTITIES[origin]["label"]
        row = f"{name} {period} {n}"
        start, end = (table_date(year, part) for part in period.split("–"))
        slug = f"course/gyeonggi-{year}-{origin or 'global-training'}-{str(start)[5:7]}"
        display = ENTITIES[origin]["label"] if origin else name
        label = f"{display} course, {year} ({period})"
        quotes = [row]
        if year == 2016 and origin == "iraq":
            label = "Iraq Development and Strategic Planning Competency Improvement (2016)"
            quotes.append("* Course: Iraq Development and Strategic Planning Competency Improvement (Aug. 23 – Sep. 2)")
            quotes.append(q_iraq_text)
        facts = {
            KP.partOf: inbound if group == "china" else koica_program,
            SCHEMA.startDate: start,
            SCHEMA.endDate: end,
            KP.traineeCount: integer(n),
            KP.location: "gyeonggi",
            KP.organizer: "gyeonggi",
            KP.participantOrigin: origin,
            KP.field: "field:public-administration",
        }
        if group == "koica":
            facts[KP.funder] = "koica"
        if origin == "bhutan":
            d.mention("bhutan", row)
        courses[(year, origin, str(start))] = d.node(
            slug,
            KP.TrainingCourse,
            label,
            quotes,
            facts,
            comment="Remarks: KOICA Cost Sharing." if group == "koica" else "Remarks: Independent Project.",
        )
        if origin is None:
            d.graph.add((courses[(year, origin, str(start))], KP.organizer, ID["org/koica"]))

    # subtotal and total rows
    totals = {}
    for year, scope, row, n_courses, n_people in [
        (2016, "all", "2016 2 courses 29", 2, 29),
        (2016, "china", "China sub Total 1 course 14 Independent Project", 1, 14),
        (2016, "koica", "Developing Countries sub Total 1 course 14 KOICA Cost Sharing", 1, 14),
        (2015, "all", "2015 9 courses 144 29", 9, 144),
        (2015, "china", "China sub Total 5 course 77 Independent Project", 5, 77),
        (2015, "koica", "Developing Countries sub Total 4 course 67 KOICA Cost Sharing", 4, 67),
        (2014, "all", "2014 8 courses 129", 8, 129),
        (2014, "china", "China sub Total 3 courses 50 Independent Project", 3, 50),
        (2014, "koica", "Developing Countries sub Total 5 courses 79 KOICA Cost Sharing", 5, 79),
    ]:
        about = {"all": "gyeonggi", "china": inbound, "koica": koica_program}[scope]
        what = {
            "all": "all overseas officials' training",
            "china": "China sub total",
            "koica": "Developing Countries sub total",
        }[scope]
        c = d.count(
            f"training-{year}-{scope}-courses",
            f"Training {year}, {what}: {n_courses} courses",
            about,
            n_courses,
            "counted:course",
            row,
            period=str(year),
        )
        t = d.count(
            f"training-{year}-{scope}-trainees",
            f"Training {year}, {what}: {n_people} trainees",
            about,
            n_people,
            "counted:trainee",
            row,
            period=str(year),
        )
        totals[(year, scope)] = (c, t)
    stray = d.count(
        "training-2015-all-stray-29",
        "Training 2015, total row: a further figure 29",
        "gyeonggi",
        29,
        "counted:trainee",
        "2015 9 courses 144 29",
        period="2015",
        comment="The 2015 total row carries a second number, 29, after the total 144; the table does not "
        "say what it counts (it equals the 2016 total).",
    )

    # contradictions within the document
    iraq_2016 = courses[(2016, "iraq", "2016-08-23")]
    d.contradiction(
        "training-2016-developing-countries-subtotal",
        "2016 Developing Countries sub total (14) vs the Iraq course (15)",
        [
            totals[(2016, "koica")][1],
            iraq_2016,
            totals[(2016, "all")][1],
            ID["statement/koica-training-2016-trainees-text"],
        ],
        [
            "Developing Countries sub Total 1 course 14 KOICA Cost Sharing",
            "Iraq Aug. 23 – Sep. 2 15",
            q_iraq_text,
            "2016 2 courses 29",
        ],
        "The 2016 'Developing Countries sub Total' row says 1 course with 14 people, but its only row (Iraq, "
        "Aug. 23 – Sep. 2) has 15, the text says '15 public officials of Iraq', and the 2016 total (29) equals "
        "14 + 15 (rows), not 14 + 14 (sub totals).",
    )
    d.contradiction(
        "training-2015-total-stray-29",
        "2015 total row: 144 and a stray 29",
        [totals[(2015, "all")][1], stray],
        [
            "2015 9 courses 144 29",
            "China sub Total 5 course 77 Independent Project",
            "Developing Countries sub Total 4 course 67 KOICA Cost Sharing",
        ],
        "The 2015 total row reads '9 courses 144 29': 144 matches the sub totals (77 + 67) and the rows, the extra "
        "29 matches nothing in 2015 (it equals the 2016 total).",
    )
    d.contradiction(
        "koica-training-countries-list-vs-table",
        "KOICA training: country list omits Haiti, which the table shows",
        [ID["statement/koica-training-countries"], courses[(2015, "haiti", "2015-09-01")], koica_program],
        [q_358, "Haiti Sep. 1 – Sep. 11 15"],
        "The progress line lists the countries of the 358 trainees in 22 courses as Afghanistan, Jordan, Iraq, "
        "Cambodia, Bhutan, Peru, Tunisia; the table of the last three years has a KOICA Cost Sharing course for "
        "Haiti (2015), which the list leaves out.",
    )
    d.contradiction(
        "bhutan-spelling",
        "Bhutan spelled 'Butan' in the training table",
        ["bhutan"],
        [q_358, "Butan Aug. 25 – Sep. 2 20"],
        "The progress line writes 'Bhutan', the 2014 table row 'Butan'; the same country (kept as skos:hiddenLabel).",
    )
    return d


# ---------------------------------------------------------------------------------------------
# 004: Incheon City International Cooperation Office (2013)
# ---------------------------------------------------------------------------------------------
def incheon_2013() -> Document:
    d = Document(
        SEEDS,
        "incheon-international-cooperation-2013",
        "004_6494ec2921fa0280.txt",
        "International Cooperation Office Aiming to Widen Scope of International Cooperation and Exchange",
        created="2013-03-28",
        creator="By matthew",
    )
    # the dates of the page: the article's byline (with its time) and the page's own header date
    d.facts(
        d.iri,
        ["March 28, 2013, 08:52", "Thursday, January 23, 2020"],
        {DCTERMS.issued: date("2013-03-28T08:52:00"), KP.pageDate: date("2020-01-23")},
    )
    d.graph.add(
        (
            d.iri,
            RDFS.comment,
            english(
                "Article of 2013-03-28, 08:52 (byline); the page header shows Thursday, January 23, 2020, the day the "
                "page was displayed or crawled, not the article's date."
            ),
        )
    )
    q_ico = (
        "The International Cooperation Office of Incheon City (Director General Yoo Byeong-yoon) is busy these days "
        "organizing its schedule for this year."
    )
    q_tasks = (
        "The office works out master plans for the city’s international exchange and cooperation with its peers "
        "worldwide and takes charge of foreign investment attraction to the IFEZ and non-IFEZ regions alike."
    )
    d.mention("korea", "economic cooperation between the two Koreas")
    d.mention("incheon", q_ico, in_country("korea"))
    d.mention(
        "incheon-ico",
        [q_ico, q_tasks],
        {ORG.unitOf: "incheon", KP.field: ["field:diplomacy", "field:investment"]},
    )
    d.mention("yoo", q_ico, {ORG.headOf: "incheon-ico"})
    d.node(
        "program/incheon-international-exchange-master-plans",
        KP.Plan,
        "Incheon master plans for international exchange and cooperation",
        q_tasks,
        {KP.organizer: "incheon-ico", KP.programKind: "pkind:plan", KP.field: "field:diplomacy"},
    )
    d.node(
        "program/incheon-foreign-investment-attraction",
        KP.Program,
        "Incheon foreign investment attraction to the IFEZ and non-IFEZ regions",
        q_tasks,
        {
            KP.organizer: "incheon-ico",
            KP.programKind: "pkind:investment-attraction",
            KP.beneficiary: ["ifez", "incheon"],
            KP.location: ["ifez", "incheon"],
            KP.field: "field:investment",
        },
        comment="The office 'takes charge of' it; the non-IFEZ regions are the parts of Incheon outside the IFEZ "
        "(the article names no other region), hence Incheon as a beneficiary besides the IFEZ.",
    )
    d.mention(
        "ifez",
        q_tasks,
        {KP.locatedIn: "incheon", KP.country: "korea"},
        comment="Located in Incheon as far as the article implies (its office attracts investment to it).",
    )
    q_tianjin = (
        "At the same time, the mayors of Incheon and Tianjin, China are going to meet with each other this year, "
        "celebrating the 20th anniversary of their diplomatic relations, to achieve greater mutual cooperation and "
        "become the hub cities of the pan-Yellow Sea region."
    )
    d.mention("china", q_tianjin)
    d.mention("tianjin", q_tianjin, {KP.locatedIn: "china", KP.country: "china"})
    d.node(
        "partnership/incheon-tianjin",
        KP.Partnership,
        "Incheon – Tianjin diplomatic relations",
        q_tianjin,
        {
            KP.party: ["incheon", "tianjin"],
            KP.tieKind: "kind:diplomatic-relations",
            KP.validFrom: date("1993"),
        },
        comment="validFrom 1993 is derived: the 20th anniversary is celebrated in 2013, the year of the article.",
    )
    d.node(
        "event/incheon-tianjin-mayors-meeting-2013",
        KP.Meeting,
        "Incheon – Tianjin mayors' meeting (2013, planned)",
        q_tianjin,
        {KP.attendee: ["incheon", "tianjin"], SCHEMA.startDate: date("2013")},
        comment="Planned in March 2013 for 'this year'.",
    )
    q_games = (
        "Specifically, it is aiming to shore up autonomous diplomacy capabilities for mutual prosperity and make "
        "better use of human resources to bring the GCF and the 2014 Asian Games into success."
    )
    d.mention("gcf", q_games)
    games = d.node(
        "event/asian-games-2014",
        [KP.SportingEvent, KP.Event],
        "2014 Asian Games",
        q_games,
        {SCHEMA.startDate: date("2014")},
        comment="The article names the games as a goal of the office's work; their place is not stated. Typed "
        "kp:Event as well, so that consumers without inference see an event.",
    )
    d.node(
        "program/incheon-gcf-asian-games-support",
        KP.Program,
        "Incheon International Cooperation Office: human resources for the GCF and the 2014 Asian Games",
        q_games,
        {
            KP.organizer: "incheon-ico",
            KP.programKind: "pkind:event-support",
            KP.supports: ["gcf", games],
            KP.purpose: english("bring the GCF and the 2014 Asian Games into success"),
            KP.field: ["field:human-resources", "field:diplomacy"],
            SCHEMA.startDate: date("2013"),
        },
        comment="The office's emphasis for 2013, the year of the article.",
    )
    d.node(
        "program/incheon-sister-city-relations",
        KP.Program,
        "Incheon: furthering amicable relations with sister cities",
        "The office’s emphasis for this year lies in widening the scope of international exchange by furthering "
        "its amicable relations with sister cities.",
        {
            KP.organizer: "incheon-ico",
            KP.field: "field:diplomacy",
            KP.tieKind: "kind:sisterhood",
            KP.programKind: "pkind:exchange",
        },
    )
    q_34 = "At present, Incheon City is engaged in mutual exchange programs with 34 cities in 17 countries."
    d.node(
        "program/incheon-mutual-exchange-programs",
        KP.ExchangeProgram,
        "Incheon mutual exchange programs",
        q_34,
        {KP.organizer: "incheon", KP.field: "field:diplomacy", KP.programKind: "pkind:exchange"},
    )
    d.count(
        "incheon-exchange-cities-2013",
        "Incheon: exchange programs with 34 cities (2013)",
        "incheon",
        34,
        "counted:city",
        q_34,
        kind="kind:exchange-program",
        period="2013",
    )
    d.count(
        "incheon-exchange-countries-2013",
        "Incheon: exchange programs in 17 countries (2013)",
        "incheon",
        17,
        "counted:country",
        q_34,
        kind="kind:exchange-program",
        period="2013",
    )
    q_places = (
        "The projects take place in Banten Province, Indonesia, Ulaanbaatar, Mongolia, Phnom Penh, Cambodia, Naboi, "
        "Uzbekistan, etc."
    )
    q_aid = (
        "The office is going to provide medical assistance to 22 children with a heart disease and three more "
        "patients in conjunction with the Incheon City government, Gil Medical Center of Gacon University, and Inha "
        "University Hospital."
    )
    q_more = (
        "The office is planning to provide more humanitarian medical aids to them while launching social "
        "contribution activities through joint efforts between the public and private sectors so that the positive "
        "effects of its humanitarian aid projects can be maximized."
    )
    d.mention("gacheon", q_aid)
    d.mention("gil", q_aid, {ORG.unitOf: "gacheon"})
    d.mention("inha-hospital", q_aid)
    aid = d.node(
        "program/incheon-humanitarian-medical-aid",
        KP.MedicalAidProject,
        "Incheon humanitarian medical aid projects",
        [q_more, q_places, q_aid],
        {
            KP.organizer: ["incheon-ico", "incheon", "gil", "inha-hospital"],
            KP.field: ["field:humanitarian-aid", "field:medical"],
            KP.programKind: "pkind:humanitarian-aid",
        },
        comment="The list of places ends with 'etc.': more places than the four named.",
    )
    for key, country, slug in [
        ("banten", "indonesia", "banten"),
        ("ulaanbaatar", "mongolia", "ulaanbaatar"),
        ("phnom-penh", "cambodia", "phnom-penh"),
        ("naboi", "uzbekistan", "navoi"),
    ]:
        d.mention(country, q_places)
        d.mention(key, q_places, {KP.locatedIn: country, KP.country: country})
        d.node(
            f"program/incheon-medical-aid-{slug}",
            KP.MedicalAidProject,
            f"Incheon medical aid in {ENTITIES[key]['label']}",
            q_places,
            {
                KP.partOf: aid,
                KP.location: key,
                KP.beneficiary: key,
                KP.organizer: "incheon-ico",
                KP.field: ["field:humanitarian-aid", "field:medical"],
                KP.programKind: "pkind:humanitarian-aid",
            },
        )
    d.count(
        "incheon-medical-aid-children",
        "Incheon medical aid: 22 children with a heart disease",
        aid,
        22,
        "counted:child",
        q_aid,
        field="field:medical",
    )
    d.count(
        "incheon-medical-aid-patients",
        "Incheon medical aid: three more patients",
        aid,
        3,
        "counted:patient",
        q_aid,
        field="field:medical",
    )
    q_halted = (
        "Moreover, the agency is making cautious preparations to re-launch inter-Korean cooperation projects, which "
        "have been halted since the North’s attack on Yeonpyeong Island and the sinking of the Cheonan Ship."
    )
    q_north = "business in the North"
    d.mention("north-korea", [q_halted, q_north])
    d.mention("yeonpyeong", q_halted)
    attack = d.node(
        "event/attack-on-yeonpyeong-island",
        [KP.Incident, KP.Event],
        "The North's attack on Yeonpyeong Island",
        q_halted,
        {KP.perpetrator: "north-korea", KP.location: "yeonpyeong"},
        comment="The article gives no date; it names the attack as one of the two events since which the "
        "inter-Korean cooperation projects have been halted.",
    )
    sinking = d.node(
        "event/sinking-of-the-cheonan",
        [KP.Incident, KP.Event],
        "Sinking of the Cheonan",
        q_halted,
        comment="'the sinking of the Cheonan Ship'; the article gives no date, place or cause.",
        alt=("Cheonan Ship",),
    )
    inter_korean = d.node(
        "program/incheon-inter-korean-cooperation",
        KP.Program,
        "Incheon inter-Korean cooperation projects",
        [q_halted, q_north],
        {
            KP.organizer: "incheon-ico",
            KP.field: "field:inter-korean-cooperation",
            KP.programKind: "pkind:inter-korean-cooperation",
            KP.haltedBy: [attack, sinking],
        },
        comment="Halted in 2013 (since the attack on Yeonpyeong Island and the sinking of the Cheonan); "
        "preparations to re-launch them.",
    )
    q_academy = (
        "To this end, it is going to run without a hitch the Incheon Academy for Inter-Korean Economic Cooperation "
        "for those small businesses, citizens, public employees and NGOs that wish to take part in inter-Korean "
        "exchange and joint economic projects."
    )
    q_lectures = (
        "The Academy provides special lectures, in-depth knowledge and information regarding the economic "
        "cooperation between the two Koreas and business in the North, and helps them establish human networks "
        "for the purpose."
    )
    d.node(
        "program/incheon-academy-inter-korean-economic-cooperation",
        KP.TrainingProgram,
        "Incheon Academy for Inter-Korean Economic Cooperation",
        [q_academy, q_lectures],
        {
            KP.organizer: "incheon-ico",
            KP.location: "incheon",
            KP.field: ["field:inter-korean-cooperation", "field:economy"],
            KP.programKind: "pkind:training",
            KP.audience: ["audience:small-business", "audience:citizen", "audience:public-official", "audience:ngo"],
            KP.supports: inter_korean,
            KP.purpose: [
                english("take part in inter-Korean exchange and joint economic projects"),
                english("establish human networks"),
            ],
        },
        comment="Run 'to this end', i.e. for the re-launch of the inter-Korean cooperation projects (kp:supports).",
    )
    return d


def gacheon_contradiction(mou: Document, incheon: Document) -> None:
    """Gacheon (2014 MOU page) vs Gacon (2013 Incheon article): recorded in the later-read document's graph."""
    gacheon_quote = [q for q in mou.quotes if "Gacheon University" in q][0]
    incheon.contradiction(
        "gacheon-gacon-spelling",
        "Gacheon University vs Gacon University",
        ["gacheon"],
        [mou.quotes[gacheon_quote], [v for k, v in incheon.quotes.items() if "Gacon University" in k][0]],
        "The medical tourism MOU page (2014) names 'Gacheon University', the Incheon article (2013) 'Gil Medical "
        "Center of Gacon University'; one university, spelled two ways by the sources (neither uses the university's "
        "own romanisation). rdfs:label follows the MOU page, 'Gacon University' is a skos:hiddenLabel.",
    )


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    docs = [contest_2018(), medical_tourism_mou_2014(), bulletin_vol3(), training_2016(), incheon_2013()]
    gacheon_contradiction(docs[1], docs[4])
    for doc in docs:
        n = doc.write(OUT / f"{doc.slug}.trig")
        print(f"{doc.slug}.trig: {n} triples, {len(doc.quotes)} quotes")


if __name__ == "__main__":
    main()
