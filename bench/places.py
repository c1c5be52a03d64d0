"""Places benchmark: the twin-cities import against `oxigraph load` of the same statements, and the reconciliation
of its places against the collector's independent coordinates (twin_cities_geocoded.csv). Prints tables.

    python bench/places.py [--rows N] [--reps 1]

Measured: the import time (the gazetteer index built beforehand) and the disk it leaves, beside `oxigraph load`
of the very statements the import wrote (same run, interleaved, medians); the share of the table's places
reconciled; the distance between our coordinates and theirs (median, 95th percentile, share within 25 km); the
places one entity holds that the collector puts more than 50 km apart; the search latency.
"""

from __future__ import annotations

import argparse
import csv
import math
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph import KnowledgeGraph, gazetteer  # noqa: E402
from graph import reconcile as rc  # noqa: E402
from graph.cli import TWIN_CITIES_MAP, twin_cities_csv  # noqa: E402
from graph.tabular import Mapping, Places, Row, import_table  # noqa: E402

GEOCODED = ROOT / "data" / "datasets" / "twin-cities" / "twin_cities_geocoded.csv"


def du(path: Path) -> int:
    """Bytes on disk under a folder."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def oxigraph_binary() -> str:
    found = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(found).exists():
        sys.exit("the oxigraph binary (pip install oxigraph) is needed for the baseline")
    return found


def one_import(table: Path, work: Path) -> tuple[float, int, Path, KnowledgeGraph]:
    """Import the table into a fresh on-disk store with the shipped data; (seconds, bytes, nquads file, kg)."""
    store_dir = work / "store"
    shutil.rmtree(store_dir, ignore_errors=True)
    kg = KnowledgeGraph.open(f"oxigraph:{store_dir}")
    before = {q for q in kg.store.native}
    kg.store.flush()
    shipped = du(store_dir)
    started = time.perf_counter()
    report = import_table(kg.store, table, Mapping.from_file(TWIN_CITIES_MAP), skip_bad=work / "rejected.csv")
    seconds = time.perf_counter() - started
    kg.store.flush()
    added = [q for q in kg.store.native if q not in before]
    nq = work / "added.nq"
    nq.write_text("".join(f"{q} .\n" for q in added), encoding="utf-8")
    print(f"import: {report.text()}", file=sys.stderr)
    return seconds, du(store_dir) - shipped, nq, kg


def one_load(nq: Path, work: Path) -> tuple[float, int]:
    target = work / "baseline"
    shutil.rmtree(target, ignore_errors=True)
    started = time.perf_counter()
    subprocess.run(
        [oxigraph_binary(), "load", "--location", str(target), "--file", str(nq)], check=True, capture_output=True
    )
    return time.perf_counter() - started, du(target)


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


class Nearest:
    """The gazetteer's populated place nearest to a point (a one-degree grid over cities500)."""

    def __init__(self, gaz: gazetteer.Gazetteer) -> None:
        self.gaz = gaz
        self.cells: dict[tuple[int, int], list[tuple[float, float, int]]] = {}
        for gid, lat, lon in gaz.db.execute("SELECT id, lat, lon FROM place"):
            self.cells.setdefault((math.floor(lat), math.floor(lon)), []).append((lat, lon, gid))

    def __call__(self, lat: float, lon: float) -> tuple[gazetteer.Place | None, float]:
        best, km = None, math.inf
        for ring in range(0, 4):
            for dy in range(-ring, ring + 1):
                for dx in range(-ring, ring + 1):
                    if max(abs(dx), abs(dy)) != ring:
                        continue
                    for plat, plon, gid in self.cells.get((math.floor(lat) + dy, math.floor(lon) + dx), ()):
                        d = rc.distance_km(lat, lon, plat, plon)
                        if d < km:
                            best, km = gid, d
            if best is not None:
                break
        return (self.gaz.place(best) if best else None), km


def reference_rows(limit: int | None) -> list[Row]:
    """The rows of the geocoded table (both parties, their names, countries and the collector's points)."""
    with GEOCODED.open(encoding="utf-8") as f:
        return [Row(n + 2, row, "") for n, row in enumerate(csv.DictReader(f)) if not limit or n < limit]


def reconciliation(kg: KnowledgeGraph, limit: int | None, with_points: bool = False) -> tuple[dict, list[str]]:
    """Our places (as the import resolves them: row by row, the partners the rows share deciding homonyms) against
    the collector's coordinates; and the per-case list of entities holding places the collector puts more than
    50 km apart. A place is a name and country as written and the entity the import gives it (one name may be two
    homonyms in two rows). ``with_points``: the table's own coordinates given to the matching as evidence (as
    importing the geocoded table with partyN.lat/lon does)."""
    gaz = gazetteer.get()
    places = Places(kg.store, gaz)
    pairs = [f"{c}{i}=party{i}.{t}" for i in (1, 2) for c, t in (("city", "name"), ("country", "country"))]
    points = [f"{c}{i}=party{i}.{t}" for i in (1, 2) for c, t in (("lat", "lat"), ("lng", "lon"))]
    mapping = Mapping.from_pairs(pairs + (points if with_points else []))
    rows = reference_rows(limit)
    places.learn_partners(rows, mapping)
    entity_points: dict[str, list[tuple[str, str, float, float, rc.Match | None]]] = {}
    matched = total = located = by_partner = 0
    distances: list[float] = []
    region_distances: list[float] = []
    seen: set[tuple[str, str, str]] = set()
    partners: dict[tuple[str, str, str], dict[str, str]] = {}  # place -> its partners' entities -> their spelling
    for row in rows:
        for i in (1, 2):
            city, country = row.cells[f"city{i}"], row.cells[f"country{i}"]
            try:
                lat, lon = float(row.cells[f"lat{i}"]), float(row.cells[f"lng{i}"])
            except ValueError:
                continue
            party = places.party(row, mapping, i)
            if not hasattr(party, "iri") or party.cls == "Country":
                continue
            other = places.party(row, mapping, 3 - i)
            if hasattr(other, "iri"):
                partners.setdefault((city, country, party.iri), {})[other.iri] = other.spelling
            if (city, country, party.iri) in seen:
                continue
            seen.add((city, country, party.iri))
            total += 1
            m = party.match
            entity_points.setdefault(party.iri, []).append((city, country, lat, lon, m))
            if m is not None and m.matched:
                matched += 1
                by_partner += "shared-partner" in m.method
                where = m.located
                if where is not None and where.lat is not None:
                    located += 1
                    d = rc.distance_km(lat, lon, where.lat, where.lon)
                    (region_distances if where.level else distances).append(d)
    cases = []
    for iri, points in entity_points.items():
        if len(points) > 1 and max(rc.distance_km(*a[2:4], *b[2:4]) for a in points for b in points) > 50:
            cases.append((iri, points))
    numbers = {
        "places": total,
        "reconciled": matched / total if total else 0.0,
        "reconciled with coordinates": located / total if total else 0.0,
        "of those, decided by a partner the rows share": by_partner,
        "populated places with the collector's coordinates": len(distances),
        "distance: median km": statistics.median(distances) if distances else float("nan"),
        "distance: p95 km": percentile(distances, 0.95),
        "within 25 km": sum(d <= 25 for d in distances) / len(distances) if distances else 0.0,
        "regions (provinces, municipalities) with the collector's coordinates": len(region_distances),
        "regions: median km (our point is a centroid)": statistics.median(region_distances)
        if region_distances
        else float("nan"),
        "entities holding places > 50 km apart": len(cases),
        "of those, every spelling sharing a partner with another (the table's own rows make them one place)": sum(
            _one_by_partners(iri, points, partners) for iri, points in cases
        ),
    }
    if with_points:
        return numbers, []
    near = Nearest(gaz)
    abroad, centroid = _their_errors(entity_points, near)
    numbers["of those > 25 km: the collector's point in another country than its row says"] = abroad
    numbers["of those > 25 km: the collector's point a whole-degree point (an area's centroid)"] = centroid
    kept = len(distances) - abroad - centroid
    numbers["within 25 km, those two kinds of the collector's errors left out"] = (
        sum(d <= 25 for d in distances) / kept if kept else 0.0
    )
    return numbers, _case_lines(cases, near, partners)


def _one_by_partners(iri: str, points: list, partners: dict) -> bool:
    """Whether every spelling an entity holds shares a partner with another of its spellings (a tie listed from both
    sides, or twice): the table itself says they are one place, whatever the collector's points say."""
    mine = [partners.get((city, country, iri), {}).keys() for city, country, *_ in points]
    return all(any(a & b for j, b in enumerate(mine) if j != i) for i, a in enumerate(mine))


def _country_of(text: str) -> str:
    from graph.normalize import country_or_none

    found = country_or_none(text)
    return found.iso2 if found else ""


def _their_errors(entity_points: dict, near: Nearest) -> tuple[int, int]:
    """Of the matched populated places more than 25 km from the collector's point: how many have that point
    nearest to a place of another country than the one the row names (the collector's geocoder went abroad), and
    how many others have it on whole degrees (55.0, -3.0: the centroid Nominatim gives for an area, not a town)."""
    abroad = centroid = 0
    for points in entity_points.values():
        for _city, country, lat, lon, m in points:
            if m is None or m.place is None or m.place.level or m.place.lat is None:
                continue
            if rc.distance_km(lat, lon, m.place.lat, m.place.lon) > 25:
                place, _ = near(lat, lon)
                if place is not None and place.cc != _country_of(country):
                    abroad += 1
                elif lat == round(lat) and lon == round(lon):
                    centroid += 1
    return abroad, centroid


def _case_lines(cases: list, near: Nearest, partners: dict) -> list[str]:
    """One markdown row per place of each far merge: what the row says, our match, where the collector's point is,
    and the partners it shares with another spelling of the entity (the table's own evidence that they are one)."""
    lines = [
        "| entity | row (name, country as written) | our match | collector's point | nearest gazetteer place to it "
        "| partners shared with another spelling |",
        "|---|---|---|---|---|---|",
    ]
    for iri, points in sorted(cases):
        for city, country, lat, lon, m in points:
            ours = "not matched (review)"
            if m is not None and m.located is not None and m.located.lat is not None:
                km = rc.distance_km(lat, lon, m.located.lat, m.located.lon)
                p = m.located
                ours = f"{p.name} ({p.cc}, GeoNames {p.id}) by {m.method}, {km:.0f} km from their point"
            place, km = near(lat, lon)
            where = f"{place.name} ({place.cc}), {km:.0f} km" if place else "none within 3 degrees"
            mine = partners.get((city, country, iri), {})
            shared = sorted(
                {
                    f"{mine[o]} (with {c2!r})"
                    for c2, n2, *_ in points
                    if (c2, n2) != (city, country)
                    for o in mine.keys() & partners.get((c2, n2, iri), {}).keys()
                }
            )
            lines.append(
                f"| `{iri.rsplit('/id/', 1)[-1]}` | {city}, {country} | {ours} | {lat:.3f}, {lon:.3f} | {where} | "
                f"{'; '.join(shared) or '-'} |"
            )
    return lines


def report_reconciliation(kg: KnowledgeGraph, rows: int | None) -> None:
    """Print the reconciliation tables: by name and country (as the raw table is imported), then with the table's
    own coordinates as evidence; then the per-case list of far merges."""
    numbers, cases = reconciliation(kg, rows)
    with_points, _ = reconciliation(kg, rows, with_points=True)
    print(
        "\n| reconciliation against twin_cities_geocoded.csv | by name and country | + the table's coordinates | goal |"
    )
    print("|---|---|---|---|")
    goals = {"reconciled": "95%", "within 25 km": "97%", "entities holding places > 50 km apart": "0"}
    for key, value in numbers.items():
        print(f"| {key} | {_shown(key, value)} | {_shown(key, with_points.get(key, ''))} | {goals.get(key, '')} |")
    print("\nEntities holding places the collector puts more than 50 km apart (by name and country):\n")
    print("\n".join(cases))


def _shown(key: str, value: object) -> str:
    if (key.startswith("reconciled") or key.startswith("within 25 km")) and isinstance(value, float):
        return f"{value:.1%}"
    return f"{value:.1f}" if isinstance(value, float) else str(value)


def search_latency(kg: KnowledgeGraph) -> dict[str, float]:
    from graph import network as nw

    for attempt in range(3):  # the projection's persistence may race with its background measures
        try:
            net = nw.network(kg, background=False)
            break
        except RuntimeError:
            if attempt == 2:
                raise
    started = time.perf_counter()
    net.search("x")
    build = time.perf_counter() - started
    times = {}
    for text in ("Kiev", "Sao Paolo", "Welington", "Gyeongi", "서울", "Navoi", "münch", "saint"):
        runs = []
        for _ in range(5):
            t = time.perf_counter()
            net.search(text, limit=10)
            runs.append((time.perf_counter() - t) * 1000)
        times[text] = statistics.median(runs)
    return {"index build s": build, **{f"search {k!r} ms": v for k, v in times.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, help="only the first N rows of the table (default: all)")
    parser.add_argument("--reps", type=int, default=1, help="import / load repetitions (interleaved)")
    parser.add_argument("--search-only", metavar="STORE", help="only time search on this on-disk store")
    parser.add_argument(
        "--reconcile-only", action="store_true", help="only the reconciliation, over the shipped data (no import)"
    )
    args = parser.parse_args()
    if args.reconcile_only:
        report_reconciliation(KnowledgeGraph.open("memory:"), args.rows)
        return
    if args.search_only:
        kg = KnowledgeGraph.open(f"oxigraph:{args.search_only}")
        for key, value in search_latency(kg).items():
            print(f"| {key} | {value:.1f} |")
        return
    started = time.perf_counter()
    gazetteer.get()
    print(
        f"gazetteer ready in {time.perf_counter() - started:.1f} s ({gazetteer.default_path()}, "
        f"{gazetteer.default_path().stat().st_size / 1e6:.0f} MB)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        table = twin_cities_csv()
        if args.rows:
            table = work / "table.csv"
            lines = twin_cities_csv().read_text("utf-8").splitlines(keepends=True)
            table.write_text("".join(lines[: args.rows + 1]), "utf-8")
        imports, loads = [], []
        kg = None
        for _ in range(args.reps):
            if kg is not None:
                kg.store.close()
            seconds, disk, nq, kg = one_import(table, work)
            imports.append((seconds, disk))
            loads.append(one_load(nq, work))
        imp, load = statistics.median(s for s, _ in imports), statistics.median(s for s, _ in loads)
        imp_disk, load_disk = imports[-1][1], loads[-1][1]
        print("\n| import of the twin cities | ours | `oxigraph load` of the same statements | ratio |")
        print("|---|---|---|---|")
        print(f"| time (s) | {imp:.1f} | {load:.1f} | {imp / load:.2f} |")
        print(
            f"| disk (MB: the store's growth vs a store of the statements alone) | {imp_disk / 1e6:.0f} | "
            f"{load_disk / 1e6:.0f} | {imp_disk / load_disk:.2f} |"
        )
        report_reconciliation(kg, args.rows)
        print("\n| search (twin cities loaded) | value |")
        print("|---|---|")
        for key, value in search_latency(kg).items():
            print(f"| {key} | {value:.1f} |")
        kg.store.close()


if __name__ == "__main__":
    main()
