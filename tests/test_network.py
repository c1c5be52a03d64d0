"""Who connects to whom, on the hand-checked network of ``tests/data/network.trig``.

The network (edges are undirected; T = a tie, L = located in, P = a program link)::

    South Korea -L- Gyeonggi -T1 sisterhood 1993- Liaoning -L- China
      Springfield(kr) -L-'  |  \\   \\                  |   \\
                T2 MOU 2014 |   T2   P funder        T3 2005  L
                   Gacheon -T2- Hanoi Med. U.        |      Springfield(cn)
                      |             |  L             |      /
                  P organizer       '------------- Hanoi -T4 twinning (partnership, undated)
            Medical training program -P- Bach Mai -L-'  |
                      '-P- Vietnam ------------------L--'

T2 is one three-party MOU (Gyeonggi, Gacheon University, Hanoi Medical University): three edges.
"""

from __future__ import annotations

import gc
import os
from pathlib import Path

import networkx as nx
import pytest

from graph import KnowledgeGraph, entities
from graph import network as nw
from graph.network_export import export_view, script_json

DATA = Path(__file__).parent / "data"
ID = "https://partnergraph.org/id/"
GYEONGGI = ID + "region/kr/gyeonggi-province"
LIAONING = ID + "region/cn/liaoning-province"
HANOI = ID + "region/vn/hanoi"
GACHEON = ID + "org/gacheon-university"
HMU = ID + "org/hanoi-medical-university"
BACH_MAI = ID + "org/bach-mai-hospital"
PROGRAM = ID + "program/medical-training"
SPRING_CN = ID + "region/cn/springfield"
SPRING_KR = ID + "region/kr/springfield"
KR, CN, VN = ID + "region/kr", ID + "region/cn", ID + "region/vn"


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    kg = KnowledgeGraph.open("memory:", load_shipped=False)
    kg.store.add_data((DATA / "network.trig").read_bytes(), "trig")
    return kg


@pytest.fixture(scope="module")
def net(kg: KnowledgeGraph) -> nw.Network:
    return nw.network(kg)


def ties_only() -> nw.Filters:
    return nw.Filters.from_params({"only": "tie"})


def test_projection_nodes_edges_and_degrees(net: nw.Network) -> None:
    g = net.graph
    assert g.number_of_nodes() == 12
    assert g.number_of_edges() == 17
    assert dict(g.degree()) == {
        GYEONGGI: 6,
        HANOI: 5,
        LIAONING: 4,
        PROGRAM: 4,
        GACHEON: 3,
        HMU: 3,
        VN: 2,
        BACH_MAI: 2,
        SPRING_CN: 2,
        KR: 1,
        CN: 1,
        SPRING_KR: 1,
    }
    # The three-party MOU is on three edges, and the Gyeonggi-Gacheon edge also holds containment.
    mou = ID + "agreement/medical-mou-2014"
    assert sorted(
        tuple(sorted((a, b))) for a, b, d in g.edges(data=True) if any(t["id"] == mou for t in d["ties"])
    ) == [
        (GACHEON, HMU),
        (GACHEON, GYEONGGI),
        (HMU, GYEONGGI),
    ]
    assert g.edges[GYEONGGI, GACHEON]["relations"] == {"agreement", "located-in"}
    assert g.edges[HANOI, SPRING_CN]["relations"] == {"partnership"}
    assert g.edges[PROGRAM, GYEONGGI]["links"][0]["role"] == "funder"


def test_nodes_have_type_group_and_country(net: nw.Network) -> None:
    assert net.node_json(GACHEON) == {
        "id": GACHEON,
        "label": "Gacheon University",
        "type": "University",
        "group": "organization",
        "country": KR,
    }
    # Country found up the located-in chain: Springfield (kr) -> Gyeonggi -> South Korea.
    assert net.graph.nodes[SPRING_KR]["country"] == KR
    assert net.graph.nodes[PROGRAM]["group"] == "program"
    assert net.graph.nodes[PROGRAM]["country"] is None


def test_tie_attributes(net: nw.Network) -> None:
    (tie,) = net.graph.edges[GYEONGGI, LIAONING]["ties"]
    assert tie["kind"] == "https://partnergraph.org/vocab/tie-kind/sisterhood"
    assert tie["kindLabel"] == "sisterhood"
    assert (tie["date"], tie["year"]) == ("1993-10-04", 1993)
    assert tie["fields"] == ("https://partnergraph.org/vocab/field/culture",)
    (twinning,) = net.graph.edges[HANOI, SPRING_CN]["ties"]
    assert twinning["relation"] == "partnership" and twinning["year"] is None


def test_shortest_paths_and_alternatives(net: nw.Network) -> None:
    paths = net.paths(GYEONGGI, HANOI, k=3)
    assert len(paths) == 3
    assert sorted(paths[:2]) == sorted([[GYEONGGI, LIAONING, HANOI], [GYEONGGI, HMU, HANOI]])
    assert len(paths[2]) == 4  # the third best is three hops long
    # Only agreements: the hop Hanoi Medical University - Hanoi is containment, so one path is left.
    assert net.paths(GYEONGGI, HANOI, k=5, filters=nw.Filters.from_params({"only": "agreement"})) == [
        [GYEONGGI, LIAONING, HANOI]
    ]
    # Avoiding located-in hops leaves the same single path (every other route uses one).
    assert net.paths(GYEONGGI, HANOI, k=5, filters=nw.Filters.from_params({"avoid": "located-in"})) == [
        [GYEONGGI, LIAONING, HANOI]
    ]
    # Through programs: Gyeonggi funds the program whose beneficiary is Bach Mai.
    assert net.paths(GYEONGGI, BACH_MAI, k=1) == [[GYEONGGI, PROGRAM, BACH_MAI]]
    # Avoiding programs as intermediate entities: Bach Mai is reached through Hanoi instead.
    no_programs = nw.Filters.from_params({"avoid_type": "program"})
    assert net.paths(GYEONGGI, BACH_MAI, k=1, filters=no_programs)[0][-2] == HANOI
    assert net.paths(SPRING_KR, SPRING_CN, k=2, filters=ties_only()) == []
    assert len(net.paths(GYEONGGI, HANOI, k=50)) == nw.MAX_PATHS == 10  # k is capped at ten


def test_path_hops_explain_ties_with_sources(kg: KnowledgeGraph, net: nw.Network) -> None:
    paths = net.paths(GYEONGGI, HANOI, k=1, filters=nw.Filters.from_params({"only": "agreement"}))
    (hops,) = entities.explain_paths(kg, net, paths)
    assert [(h["from"]["label"], h["to"]["label"]) for h in hops] == [
        ("Gyeonggi Province", "Liaoning Province"),
        ("Liaoning Province", "Hanoi"),
    ]
    first = hops[0]["ties"][0]
    assert first["id"] == ID + "agreement/gyeonggi-liaoning"
    assert first["label"] == "Gyeonggi–Liaoning sisterhood"
    assert first["kindLabel"] == "sisterhood" and first["date"] == "1993-10-04"
    assert {k: first["source"][k] for k in ("quote", "source", "title")} == {
        "quote": "Gyeonggi and Liaoning became sister provinces on 4 October 1993",
        "source": ID + "source/net-one",
        "title": "Network source one",
    }
    # A tie without a quote still names the document (graph) that states it.
    (via_twin,) = entities.explain_paths(kg, net, [[HANOI, SPRING_CN]])
    assert via_twin[0]["ties"][0]["sources"] == [
        {"quote": None, "quotes": [], "rows": [], "source": ID + "source/net-three", "title": "Network source three"}
    ]


def test_common_partners_and_partners_of_partners(net: nw.Network) -> None:
    assert net.common_partners([GYEONGGI, HANOI], ties_only()) == [LIAONING]
    assert net.common_partners([GYEONGGI, HANOI]) == [HMU, LIAONING]  # by label: Hanoi Medical U., Liaoning
    assert net.common_partners([GYEONGGI, GACHEON, HMU], ties_only()) == []
    assert net.common_partners([GYEONGGI, GACHEON], ties_only()) == [HMU]
    assert net.partners_of_partners(GYEONGGI, ties_only()) == {HANOI: [LIAONING]}
    with pytest.raises(nw.NetworkError):
        net.common_partners([GYEONGGI])


def test_ego_network_with_limit(net: nw.Network) -> None:
    nodes, truncated = net.ego(GYEONGGI, 1, limit=100)
    assert set(nodes) == {GYEONGGI, LIAONING, GACHEON, HMU, KR, SPRING_KR, PROGRAM} and not truncated
    # Most partners first (the program 4, Gacheon 3, then Liaoning 2: its other two links are containment, which
    # makes no partner), cut at the limit.
    assert net.ego(GYEONGGI, 1, limit=3) == ([GYEONGGI, PROGRAM, GACHEON], True)
    two, _ = net.ego(GYEONGGI, 2, limit=100)
    assert set(two[7:]) == {HANOI, CN, SPRING_CN, BACH_MAI, VN}  # the second ring: every other entity


def test_rankings_degree_ties_and_betweenness(net: nw.Network) -> None:
    top = net.ranking("degree", 3)
    # Partners only: where an entity is located and what it belongs to make no partner (Hanoi has two partners,
    # Liaoning and Springfield; its three other links are containment).
    assert [(r["label"], r["score"]) for r in top] == [
        ("Gyeonggi Province", 4),
        ("Medical training program", 4),
        ("Gacheon University", 3),
    ]
    assert net.tie_counts()[GYEONGGI] == 7  # six edges, one with both the MOU and containment
    # Computed once per projection (13-17 s at 1M agreements): the next ranking reads the same scores.
    assert net.degree() is net.degree() and net.degree(ties_only()) is not net.degree()
    # Betweenness over ties only, by hand: 12 entities, so pairs = 11*10/2 = 55. Liaoning lies on every shortest
    # path between {Hanoi, Springfield cn} and {Gyeonggi, Gacheon, Hanoi MU} (6 pairs), Gyeonggi between
    # {Liaoning, Hanoi, Springfield cn} and {Gacheon, Hanoi MU} (6), Hanoi between Springfield cn and the 4 others.
    scores = net.betweenness(ties_only())
    assert scores[LIAONING] == pytest.approx(6 / 55)
    assert scores[GYEONGGI] == pytest.approx(6 / 55)
    assert scores[HANOI] == pytest.approx(4 / 55)
    assert scores[GACHEON] == 0 and scores[PROGRAM] == 0
    with pytest.raises(nw.NetworkError, match="unknown measure"):
        net.ranking("pagerank")


def test_communities_on_two_triangles() -> None:
    g = nx.Graph()
    for a, b in [("a", "b"), ("b", "c"), ("a", "c"), ("x", "y"), ("y", "z"), ("x", "z"), ("c", "x")]:
        g.add_edge(a, b, ties=[], links=[], relations={"agreement"})
    g.add_node("lonely")
    assert nw.Network(g).communities() == [["a", "b", "c"], ["x", "y", "z"]]


def test_search_matches_labels_and_spellings(net: nw.Network) -> None:
    assert [r["id"] for r in net.search("gyeon")] == [GYEONGGI]
    assert net.search("gyeon")[0]["matched"] == "Gyeonggi Province"
    assert net.search("Gyeongi Province")[0]["matched"] == "Gyeongi Province"  # hidden label (a misspelling)
    hit = net.search("liaoning sheng")[0]  # accents folded: "Liáoníng Shěng"
    assert (hit["id"], hit["matched"], hit["exact"]) == (LIAONING, "Liáoníng Shěng", True)
    # Exact, then prefix, then word prefix, then substring.
    assert [r["label"] for r in net.search("hanoi")] == ["Hanoi", "Hanoi Medical University"]
    assert [r["label"] for r in net.search("university")] == ["Gacheon University", "Hanoi Medical University"]
    assert net.search("") == []
    assert [r["id"] for r in net.search("springfield", groups=["region"])] == [SPRING_CN, SPRING_KR]


def test_resolve_iris_names_ambiguity_and_unknowns(net: nw.Network) -> None:
    assert net.resolve(GYEONGGI) == GYEONGGI
    assert net.resolve("id:region/kr/gyeonggi-province") == GYEONGGI
    assert net.resolve("gyeonggi-do") == GYEONGGI
    assert net.resolve("GYEONGGI PROVINCE") == GYEONGGI
    with pytest.raises(nw.AmbiguousName) as ambiguous:
        net.resolve("Springfield")
    assert [c["id"] for c in ambiguous.value.candidates] == [SPRING_CN, SPRING_KR]
    assert ambiguous.value.status == 409
    with pytest.raises(nw.EntityNotFound) as unknown:
        net.resolve("Atlantis")
    assert unknown.value.status == 404
    with pytest.raises(nw.EntityNotFound):
        net.resolve(ID + "region/zz")


def test_filters_view(net: nw.Network) -> None:
    medical = net.view(nw.Filters.from_params({"field": "medical"}))
    assert sorted(tuple(sorted(e)) for e in medical.edges) == [(GACHEON, HMU), (GACHEON, GYEONGGI), (HMU, GYEONGGI)]
    years = net.view(nw.Filters.from_params({"from_year": "2000", "to_year": "2010"}))
    # Only the 2005 tie is dated in range; containment and program links stay.
    assert [t["id"] for _, _, d in years.edges(data=True) for t in d["ties"]] == [ID + "agreement/liaoning-hanoi"]
    korea = net.view(nw.Filters.from_params({"country": "KR", "only": "tie"}))
    assert sorted(tuple(sorted(e)) for e in korea.edges) == sorted(
        [(GACHEON, HMU), (GACHEON, GYEONGGI), (LIAONING, GYEONGGI), (HMU, GYEONGGI)]
    )
    with pytest.raises(nw.NetworkError, match="unknown relation"):
        nw.Filters.from_params({"only": "friendship"})
    with pytest.raises(nw.NetworkError, match="not a year"):
        nw.Filters.from_params({"from_year": "1990s"})


def test_facets(net: nw.Network) -> None:
    facets = net.facets()
    assert facets["groups"] == {"organization": 3, "program": 1, "region": 8}
    assert facets["years"] == [1993, 2014]
    assert facets["undated"] == {"ties": 1, "entities": 1} and facets["entityYears"] is None  # the undated program
    assert facets["ties"] == 4
    assert [k["id"] for k in facets["kinds"]] == ["friendly-cooperation", "mou", "sisterhood", "twinning"]
    assert [(c["label"], c["count"]) for c in facets["countries"]] == [("South Korea", 4), ("Vietnam", 4), ("China", 3)]


def test_projection_rebuilt_when_the_store_changes() -> None:
    kg = KnowledgeGraph.open("memory:", load_shipped=False)
    kg.store.add_data((DATA / "network.trig").read_bytes(), "trig")
    first = nw.network(kg, recheck_seconds=0, background=False)
    assert nw.network(kg, recheck_seconds=0, background=False) is first
    kg.store.add_data((DATA / "xss.trig").read_bytes(), "trig")
    second = nw.network(kg, recheck_seconds=0, background=False)
    assert second is not first and second.graph.number_of_nodes() == 13


def test_after_a_write_readers_keep_the_old_projection_while_the_new_one_is_built() -> None:
    kg = KnowledgeGraph.open("memory:", load_shipped=False)
    kg.store.add_data((DATA / "network.trig").read_bytes(), "trig")
    holder = nw.Projection(kg, recheck_seconds=0, precompute=False)
    first = holder.get()
    kg.store.add_data((DATA / "xss.trig").read_bytes(), "trig")
    assert holder.get() is first  # answered at once from the old one; the rebuild runs in the background
    holder.wait()
    assert holder.get() is not first and holder.get().graph.number_of_nodes() == 13


def test_describe_entity(kg: KnowledgeGraph) -> None:
    entity = entities.describe(kg, GYEONGGI)
    assert entity["label"] == "Gyeonggi Province" and entity["type"] == "Province"
    assert [t["label"] for t in entity["ties"]] == ["Gyeonggi–Liaoning sisterhood", "Medical training MOU"]
    facts = {f["curie"]: [v["value"] for v in f["values"]] for f in entity["facts"] + entity["summary"]["facts"]}
    assert facts["skos:hiddenLabel"] == ["Gyeongi Province"]
    assert facts["kp:locatedIn"] == [KR]
    assert entity["ties"][1]["sources"][0]["quote"].startswith("Gyeonggi, Gacheon University")
    assert entities.describe(kg, ID + "region/zz") is None


def test_export_graphml_gexf_and_safe_html(kg: KnowledgeGraph) -> None:
    kg2 = KnowledgeGraph.open("memory:", load_shipped=False)
    kg2.store.add_data((DATA / "network.trig").read_bytes(), "trig")
    kg2.store.add_data((DATA / "xss.trig").read_bytes(), "trig")
    net = nw.network(kg2)
    ids = [GYEONGGI, LIAONING, ID + "org/xss"]
    body, media, _ = export_view(net, ids, "graphml")
    graph = nx.parse_graphml(body.decode())
    assert media == "application/graphml+xml"
    assert sorted(graph.nodes) == sorted(ids) and graph.number_of_edges() == 2
    assert graph.nodes[ID + "org/xss"]["label"] == "<img src=x onerror=alert(1)>{{ 7*7 }}"
    gexf, media, _ = export_view(net, ids, "gexf")
    assert b"<gexf" in gexf and media == "application/gexf+xml"
    html, media, _ = export_view(net, ids, "html", title="<b>t</b>")
    text = html.decode()
    assert "<img src=x" not in text and "{{ 7*7 }}" in text
    assert "\\u003cimg src=x onerror=alert(1)\\u003e{{ 7*7 }}" in text
    assert "<title>&lt;b&gt;t&lt;/b&gt;</title>" in text
    assert 'src="http' not in text and "<link" not in text  # everything inline, nothing fetched
    assert script_json("</script>") == '"\\u003c/script\\u003e"'


def test_projection_is_kept_beside_an_on_disk_store_and_loaded_on_restart(tmp_path: Path) -> None:
    url = f"oxigraph:{tmp_path / 'store'}"
    kg = KnowledgeGraph.open(url, load_shipped=False)
    kg.store.add_data((DATA / "network.trig").read_bytes(), "trig")
    first = nw.Projection(kg, nw.projection.cache_file(kg), precompute=False)
    built = first.get()
    assert first.built_in is not None and first.loaded_in is None
    assert (tmp_path / "store.network.pickle").exists()
    kg.store.close()

    again = KnowledgeGraph.open(url, load_shipped=False)  # a restart: a new process would see the same
    second = nw.Projection(again, nw.projection.cache_file(again), precompute=False, quiet_seconds=0)
    loaded = second.get()
    second.wait()  # the background check of the data's fingerprint, then the rest of the graph made
    assert second.loaded_in is not None and second.built_in is None  # loaded, not built, and still current
    assert type(loaded.graph._adj) is dict and type(loaded.labels) is dict
    assert second.current is loaded
    assert sorted(loaded.graph.edges) == sorted(built.graph.edges)
    assert loaded.graph.edges[GYEONGGI, LIAONING]["ties"][0]["label"] == "Gyeonggi–Liaoning sisterhood"
    assert loaded.paths(GYEONGGI, HANOI, k=2) == built.paths(GYEONGGI, HANOI, k=2)

    # What a process stopped while writing left behind is swept away when it is old.
    stale = tmp_path / "store.network.pickle1234.tmp"
    stale.write_bytes(b"half a file")
    os.utime(stale, (0, 0))
    nw.Projection(again, nw.projection.cache_file(again), precompute=False, quiet_seconds=0).get()
    assert not stale.exists()

    # Data changed behind its back (another process, while the app was down): the check rebuilds it.
    again.store.add_data((DATA / "xss.trig").read_bytes(), "trig")
    third = nw.Projection(again, nw.projection.cache_file(again), precompute=False, quiet_seconds=0)
    stale = third.get()
    third.wait()
    assert stale.graph.number_of_nodes() == 12 and third.current.graph.number_of_nodes() == 13


def _built_and_persisted(tmp_path: Path) -> tuple[nw.Network, Path, str]:
    url = f"oxigraph:{tmp_path / 'store'}"
    kg = KnowledgeGraph.open(url, load_shipped=False)
    kg.store.add_data((DATA / "network.trig").read_bytes(), "trig")
    built = nw.Projection(kg, nw.projection.cache_file(kg), precompute=False).get()
    kg.store.close()
    return built, tmp_path / "store.network.pickle", url


def test_persisted_projection_loads_as_the_same_graph_made_on_demand(tmp_path: Path) -> None:
    from graph.network import persist

    built, path, url = _built_and_persisted(tmp_path)
    assert persist.read(path, {"store": "oxigraph:/elsewhere"}) is None  # another store's file is not read
    header, loaded = persist.read(path, {"store": url, "format": nw.projection.FILE_FORMAT})
    graph = loaded.graph
    # Nothing is made before it is asked for; a path question makes only what it visits.
    assert isinstance(graph._adj, persist.LazyAdjacency) and dict.__len__(graph._adj) == 0
    assert GYEONGGI in graph and "https://example.org/nobody" not in graph and len(graph) == 12
    assert loaded.paths(GYEONGGI, LIAONING, k=1) == [[GYEONGGI, LIAONING]]
    assert 0 < dict.__len__(graph._adj) < len(graph)
    assert not any(graph._adj._columns._ties)  # paths read costs: no tie decoded yet
    assert graph.edges[LIAONING, GYEONGGI] is graph.edges[GYEONGGI, LIAONING]  # one dict per edge, both ways
    # Walking it all gives what was built: same entities, attributes, edges, ties, links and orders.
    assert list(graph.nodes(data=True)) == list(built.graph.nodes(data=True))
    assert list(graph.edges(data=True)) == list(built.graph.edges(data=True))
    assert all(list(graph.adj[n]) == list(built.graph.adj[n]) for n in built.graph)
    assert dict(loaded.labels) == built.labels and loaded.concept_labels == built.concept_labels
    tie = graph.edges[GYEONGGI, LIAONING]["ties"][0]
    assert (
        tie.label == "Gyeonggi–Liaoning sisterhood"
        and tie["year"] == 1993
        and tie == built.graph.edges[GYEONGGI, LIAONING]["ties"][0]
    )
    persist.fill(loaded)  # plain dicts again, as a built graph has; the columns let go
    assert type(graph._adj) is dict and type(graph._node) is dict and graph.number_of_edges() == 17
    assert loaded.paths(GYEONGGI, HANOI, k=2) == built.paths(GYEONGGI, HANOI, k=2)


def test_after_a_restart_the_background_work_waits_for_a_pause_in_the_questions(tmp_path: Path) -> None:
    _, path, url = _built_and_persisted(tmp_path)
    again = KnowledgeGraph.open(url, load_shipped=False)
    holder = nw.Projection(again, path, quiet_seconds=60)
    net = holder.get()
    assert holder.loaded_in is not None and not holder.settled.is_set()
    assert net.measures.status("betweenness")["status"] == "not started"  # the first questions have the machine
    with holder.question():  # a question being answered holds the background work back, however long it takes
        holder.quiet_seconds = 0
        assert not holder.wait_settled(0.5)
    assert holder.wait_settled(120)  # the questions pause
    assert type(net.graph._adj) is dict  # made whole, then its measures started
    assert gc.get_freeze_count() > 0  # and kept out of the collector's full walks
    assert net.measures.wait("betweenness", timeout=600)["status"] == "ready"


@pytest.mark.parametrize("damage", ["flipped byte", "truncated", "old format", "other store"])
def test_a_damaged_or_foreign_projection_file_is_rebuilt(tmp_path: Path, damage: str) -> None:
    import pickle

    built, path, url = _built_and_persisted(tmp_path)
    data = bytearray(path.read_bytes())
    if damage == "flipped byte":
        data[-200] ^= 0xFF
    elif damage == "truncated":
        del data[len(data) // 2 :]
    else:
        header = {"format": 5, "store": url} if damage == "old format" else {"format": 6, "store": "oxigraph:/x"}
        data = bytearray(pickle.dumps(header)) + b"anything"
    path.write_bytes(bytes(data))
    again = KnowledgeGraph.open(url, load_shipped=False)
    holder = nw.Projection(again, nw.projection.cache_file(again), precompute=False, quiet_seconds=0)
    rebuilt = holder.get()
    assert holder.loaded_in is None and holder.built_in is not None
    assert sorted(rebuilt.graph.edges) == sorted(built.graph.edges)
    assert nw.Projection(again, path, precompute=False).get().graph.number_of_edges() == 17  # and written anew


def test_columns_that_do_not_fit_together_are_refused() -> None:
    from graph.network import persist

    g = nx.Graph()
    g.add_node("a", label="A", type="City", group="region", country=None, iso=None)
    g.add_node("b", label="B", type="City", group="region", country=None, iso=None)
    g.add_edge("a", "b", ties=(), links=(), relations=frozenset({"located-in"}), cost=4.0)
    columns = persist.to_columns(g, {}, {})
    columns["neighbours"].append(0)  # a neighbour too many
    with pytest.raises(persist.CorruptFile):
        persist.from_columns(columns)


def test_measures_are_computed_in_the_background_and_persisted(tmp_path: Path) -> None:
    url = f"oxigraph:{tmp_path / 'store'}"
    kg = KnowledgeGraph.open(url, load_shipped=False)
    kg.store.add_data((DATA / "network.trig").read_bytes(), "trig")
    net = nw.Projection(kg, nw.projection.cache_file(kg)).get()
    ready = net.measures.wait("betweenness", timeout=600)
    assert ready["status"] == "ready" and ready["method"].startswith("exact")
    assert ready["scores"] == pytest.approx(nx.betweenness_centrality(net.graph))
    net.measures.wait("communities", timeout=600)
    kg.store.close()
    again = KnowledgeGraph.open(url, load_shipped=False)
    loaded = nw.Projection(again, nw.projection.cache_file(again), precompute=False, quiet_seconds=0).get()
    # Ready at once after the restart: read from beside the store, not computed again.
    assert loaded.measures.status("betweenness")["status"] == "ready"
    assert loaded.measures.status("communities")["communities"] == net.communities()


def test_sampled_betweenness_states_its_error() -> None:
    from graph.network.algorithms import sampled_betweenness

    g = nx.relabel_nodes(nx.barabasi_albert_graph(600, 2, seed=3), str)
    exact = nx.betweenness_centrality(g)
    estimate, errors = sampled_betweenness(g, 120)
    assert estimate == pytest.approx(nx.betweenness_centrality(g, k=120, seed=42))  # networkx's own estimate
    top = sorted(exact, key=exact.get, reverse=True)[:5]
    assert all(errors[v] > 0 for v in top)
    # The best connected entities' estimates are within three standard errors of the exact values.
    assert all(abs(estimate[v] - exact[v]) <= 3 * errors[v] for v in top)


def test_a_ranking_sorts_only_the_best_and_breaks_ties_by_label() -> None:
    g = nx.Graph()
    g.add_nodes_from([("a", {"label": "Delta"}), ("b", {"label": "Alpha"}), ("c", {"label": "Charlie"})])
    g.add_nodes_from([("d", {"label": "Bravo"}), ("e", {"label": "Echo"})])
    net = nw.Network(g)
    scores = {"a": 3, "b": 1, "c": 3, "d": 3, "e": 5}
    # Echo first; then the three of score 3 by label; two asked: Echo and Bravo (not the first 3 in the dict).
    assert [r["label"] for r in net.rank_scores(scores, 2, ("t",))] == ["Echo", "Bravo"]
    assert [r["label"] for r in net.rank_scores(scores, 4, ("t",))] == ["Echo", "Bravo", "Charlie", "Delta"]
    assert [r["score"] for r in net.rank_scores(scores, 9)] == [5, 3, 3, 3, 1]


def test_exact_betweenness_is_networkx_s_on_graphs_in_pieces() -> None:
    from graph.network.algorithms import sampled_betweenness

    g = nx.relabel_nodes(nx.barabasi_albert_graph(200, 2, seed=5), str)
    g.add_edges_from([("x", "y"), ("y", "z"), ("z", "z"), ("lonely", "lonely")])  # another component, self-loops
    scores, errors = sampled_betweenness(g, None)
    assert scores == pytest.approx(nx.betweenness_centrality(g)) and errors == {}


def test_a_sampled_betweenness_stays_within_its_work_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    from graph.network import algorithms
    from graph.network.measure_process import compute

    g = nx.relabel_nodes(nx.barabasi_albert_graph(2000, 2, seed=7), str)
    per_source = g.number_of_nodes() + 2 * g.number_of_edges()  # every entity once, every edge twice
    passes = []
    counted = algorithms._dependencies
    monkeypatch.setattr(algorithms, "_dependencies", lambda adj, s: passes.append(s) or counted(adj, s))
    monkeypatch.setattr(algorithms, "BETWEENNESS_WORK", 25 * per_source)  # room for 25 passes: 20 are made
    result = compute(nw.Network(g), "betweenness", nw.Filters())  # what the measure process runs
    assert result["status"] == "ready" and result["samples"] == 20 == len(passes) == len(set(passes))
    assert result["method"].startswith("estimated from 20 of 2000 sources chosen at random")
    assert "20, not 300, to bound the work" in result["method"]
    assert result["errorOfTop"]["standardError"] > 0  # the error of the estimate is stated
    # Without a budget to speak of, still two sources: the least that states an error.
    monkeypatch.setattr(algorithms, "BETWEENNESS_WORK", 1)
    assert algorithms.betweenness_samples(g) == 2
    # A budget large enough gives the usual sample.
    monkeypatch.setattr(algorithms, "BETWEENNESS_WORK", 10**12)
    assert algorithms.betweenness_samples(g) == 300


def test_paths_mean_partnership_by_default_on_the_shipped_data(shipped: KnowledgeGraph) -> None:
    net = nw.network(shipped)
    incheon, gyeonggi = net.resolve("Incheon"), net.resolve("Gyeonggi Province")
    answer = net.ranked_paths(incheon, gyeonggi, k=3)
    labels = [[net.graph.nodes[n]["label"] for n in path] for path in answer["paths"]]
    # The institutions both share come first: the medical centre of Gacheon University, no "both are in ..." hop.
    assert {"Gil Medical Center", "Gacheon University"} <= set(labels[0])
    first = answer["ranking"]["paths"][0]
    assert "located-in" not in first["hopKinds"] and first["cost"] < len(labels[0]) + 1
    assert first["why"].startswith("4 hops: 1 agreement, 2 shared program, 1 part of")
    assert "costs less" in answer["ranking"]["paths"][1]["why"] or "as costly" in answer["ranking"]["paths"][1]["why"]
    # By number of hops alone, containment still ranks first: Tianjin is in China, a partner of Gyeonggi.
    by_hops = net.ranked_paths(incheon, gyeonggi, k=1, rank="hops")
    assert [net.graph.nodes[n]["label"] for n in by_hops["paths"][0]] == [
        "Incheon",
        "Tianjin",
        "China",
        "Gyeonggi Province",
    ]
    assert by_hops["ranking"]["paths"][0]["counts"]["located-in"] == 1
    with pytest.raises(nw.NetworkError, match="unknown ranking"):
        net.ranked_paths(incheon, gyeonggi, rank="fame")


def test_a_country_is_named_by_iso_code_name_or_iri(shipped: KnowledgeGraph) -> None:
    net = nw.network(shipped)
    china = ID + "region/cn"
    assert {net.country(ref) for ref in ("cn", "CN", "China", "china", china, "id:region/cn")} == {china}
    with pytest.raises(nw.NetworkError, match="is a Province, not a country"):
        net.country("Gyeonggi Province")
    with pytest.raises(nw.NetworkError, match="'Atlantis' is not a country"):
        net.country("Atlantis")
    by_code = net.view(nw.Filters.from_params({"country": "cn"}))
    assert by_code.number_of_edges() > 0 and sorted(by_code.edges) == sorted(
        net.view(nw.Filters.from_params({"country": "China"})).edges
    )


def test_the_year_range_reads_the_dates_of_courses_and_programs(shipped: KnowledgeGraph) -> None:
    net = nw.network(shipped)
    courses = {
        y: net.filter_summary(nw.Filters.from_params({"type": "course", "from_year": y, "to_year": y}))
        for y in ("2014", "2015", "2016", "2017")
    }
    assert [courses[y]["entities"] for y in ("2014", "2015", "2016", "2017")] == [8, 9, 2, 0]
    # The 2018-2020 plan overlaps 2019; undated programs and ties are left out, and counted.
    year = nw.Filters.from_params({"from_year": "2019", "to_year": "2019"})
    kept = net.view(year)
    assert [net.graph.nodes[n]["label"] for n in kept if net.graph.nodes[n]["group"] == "program"] == [
        net.graph.nodes[n]["label"]
        for n in net.graph
        if net.graph.nodes[n].get("start", "").startswith("2018") and net.graph.nodes[n]["group"] == "program"
    ]
    summary = net.filter_summary(year)
    # 15 undated ties (two of them the plans the 2017 plans renew) and 33 undated programs and events.
    assert summary["undated"] == {"ties": 15, "entities": 33}


def test_an_empty_answer_says_which_filter_emptied_it(shipped: KnowledgeGraph) -> None:
    net = nw.network(shipped)
    incheon, gyeonggi = net.resolve("Incheon"), net.resolve("Gyeonggi Province")
    korea = nw.Filters.from_params({"country": "kr"})
    assert net.ranked_paths(incheon, gyeonggi, filters=korea)["paths"] == []
    why = net.why_empty(korea, [incheon, gyeonggi])
    assert [c["parameter"] for c in why["emptiedBy"]] == ["country"]
    assert why["message"].startswith("No path between these two with these filters; without `country` there would be")
    dated = nw.Filters.from_params({"from_year": "1900", "to_year": "1901"})
    assert net.view(dated).number_of_edges() > 0  # containment and program links have no date and stay
    only_ties = nw.Filters.from_params({"from_year": "1900", "to_year": "1901", "only": "tie"})
    why = net.why_empty(only_ties)
    # Ties only, none of them from 1900: dropping either filter would leave something.
    assert [c["parameter"] for c in why["emptiedBy"]] == ["only", "from_year/to_year"]
    assert why["undated"]["ties"] == 15 and "left out 15 undated ties" in why["message"]


def test_what_the_sources_said_only_in_words_links_entities_in_the_projection(shipped: KnowledgeGraph) -> None:
    net = nw.network(shipped)
    north_korea, attack = ID + "region/kp", ID + "event/attack-on-yeonpyeong-island"
    halted = ID + "program/incheon-inter-korean-cooperation"
    roles = {link["role"] for link in net.graph.edges[attack, north_korea]["links"]}
    assert roles == {"perpetrator"}
    assert {link["role"] for link in net.graph.edges[halted, attack]["links"]} == {"halted-by"}
    assert ID + "region/kr/yeonpyeong-island" in net.graph[attack]  # where it happened


def test_the_fingerprint_counts_every_quad_as_the_engine_does(tmp_path: Path) -> None:
    import pyoxigraph as ox

    kg = KnowledgeGraph.open(f"oxigraph:{tmp_path / 'store'}", load_shipped=False)
    kg.store.add_data((DATA / "network.trig").read_bytes(), "trig")
    kg.store.native.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal("o"), ox.DefaultGraph()))
    # Counted by a query (other threads run meanwhile), it is the engine's own count, the default graph included.
    assert kg.store._count_every_quad() == len(kg.store.native) > 1
    assert nw.projection.fingerprint(kg)[1] == len(kg.store.native)
