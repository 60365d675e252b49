"""The `edkg` command line."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from . import __version__, remote, settings
from .errors import EdkgError, RecordError
from .store import StoreDir


def _store_dir(store: Path) -> StoreDir:
    """The store directory, on the remote store when the EDKG_REMOTE_* settings name one."""
    return StoreDir(store, remote.from_settings())


EXPORT_FORMATS = ("turtle", "nquads", "jsonld", "schemaorg", "csv")
CSV_KINDS = ("case", "person", "place", "event", "organisation")
RESULT_FORMATS = ("table", "csv", "tsv", "json")


def _store_option(function):
    return click.option(
        "--store",
        "store",
        type=click.Path(file_okay=False, path_type=Path),
        default=lambda: settings.get("STORE"),
        show_default="EDKG_STORE or ./edkg-store",
        help="Directory of the embedded store (with a remote store: of its release records).",
    )(function)


def _fail(error: EdkgError) -> None:
    click.echo(f"edkg: {error.message}", err=True)
    sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="edkg")
@click.option("-v", "--verbose", is_flag=True, help="Log progress to standard error.")
def main(verbose: bool) -> None:
    """edkg: the Enforced Disappearance Knowledge Graph."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@_store_option
@click.option(
    "--base-iri",
    default=lambda: settings.get("BASE_IRI"),
    show_default="EDKG_BASE_IRI",
    help="Base IRI of instance data.",
)
def build(paths: tuple[Path, ...], store: Path, base_iri: str) -> None:
    """Check records and build the graph into the store.

    PATHS are case files or directories of records (default: the bundled sample). If any record is
    rejected, every problem is listed, nothing is stored and the exit status is 1.
    """
    from .build import build as run_build

    try:
        result = run_build(list(paths), store, base_iri, remote=remote.from_settings())
    except RecordError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        click.echo(f"edkg: {error.message}; nothing was stored", err=True)
        sys.exit(1)
    except EdkgError as error:
        _fail(error)
    if result.warnings:
        click.echo(
            f"{len(result.warnings)} SHACL warnings (what a UN submission would miss); "
            "`edkg validate` lists them",
            err=True,
        )
    triples = result.release.meta["triples"]
    kinds = ", ".join(f"{n} {kind}s" for kind, n in sorted(result.records.items()))
    click.echo(
        f"built release {result.release.path.name} in {store}: {kinds}; "
        f"{triples['public']} public and {triples['restricted']} restricted triples"
    )


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(("text", "json", "turtle")), default="text")
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
@click.option("--summary", is_flag=True, help="List the legal and UN elements each case documents.")
@click.option("--base-iri", default=lambda: settings.get("BASE_IRI"), show_default="EDKG_BASE_IRI")
def validate(paths: tuple[Path, ...], fmt: str, strict: bool, summary: bool, base_iri: str) -> None:
    """Check records against the shapes without building (default: the bundled sample).

    Exit status 0: conforms (warnings allowed unless --strict); 1: violations; 2: unusable input.
    """
    from . import check

    try:
        outcome = check.validate_records(list(paths), base_iri)
    except EdkgError as error:
        click.echo(f"edkg: {error.message}", err=True)
        sys.exit(check.UNUSABLE)
    rows = check.summary(outcome) if summary and outcome.report else None
    if fmt == "json":
        click.echo(check.as_json(outcome, rows), nl=False)
    elif fmt == "turtle":
        click.echo(check.as_turtle(outcome), nl=False)
    else:
        click.echo(check.as_text(outcome, rows), nl=False)
    sys.exit(outcome.status(strict))


@main.command("import")
@click.argument("csv_file", metavar="CSV", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--mapping",
    "mapping_file",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The mapping file (YAML), e.g. docs/mappings/footprints-example.yaml.",
)
@click.option(
    "--output",
    "-o",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory for the records; must not exist or be empty (see --replace).",
)
@click.option(
    "--encoding",
    type=click.Choice(("auto", "utf-8", "cp949", "euc-kr")),
    default="auto",
    show_default=True,
    help="Encoding of the CSV; auto reads UTF-8 (with or without BOM), else CP949.",
)
@click.option("--replace", is_flag=True, help="Replace a non-empty output directory whole.")
@click.option("--base-iri", default=lambda: settings.get("BASE_IRI"), show_default="EDKG_BASE_IRI")
def import_(
    csv_file: Path, mapping_file: Path, output: Path, encoding: str, replace: bool, base_iri: str
) -> None:
    """Import an Uwazi CSV export into YAML records, validated like any other.

    The records are written only if every row maps and every record passes `edkg validate`;
    otherwise every problem is listed with its row and column, the output directory is left as it
    was, and the exit status is 1 (2 if the mapping file itself is unusable).
    """
    from .importer import ImportFailed, import_csv
    from .mapping import MappingError
    from .mapping import load as load_mapping

    try:
        mapping = load_mapping(mapping_file)
    except MappingError as error:
        for problem in error.problems:
            click.echo(problem, err=True)
        click.echo(f"edkg: {error.message}", err=True)
        sys.exit(2)
    try:
        result = import_csv(csv_file, mapping, output, base_iri, encoding=encoding, replace=replace)
    except ImportFailed as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        click.echo(f"edkg: {error.message}; nothing was written to {output}", err=True)
        sys.exit(1)
    except EdkgError as error:
        _fail(error)
    counts = ", ".join(f"{n} {kind}" for kind, n in result.counts.items())
    warnings = f"; {result.warnings} SHACL warnings (`edkg validate` lists them)"
    click.echo(
        f"imported {result.rows} rows ({result.encoding}) into {output}: {counts}"
        + (warnings if result.warnings else "")
    )


@main.command()
@_store_option
def publish(store: Path) -> None:
    """Derive the public dataset again from the restricted one, into a new release.

    The publication rules drop restricted graphs, restricted properties and the details of persons
    whose consent is withheld. `edkg build` applies them already; run this after upgrading edkg.
    """
    from .build import republish

    try:
        release = republish(store, remote.from_settings())
    except EdkgError as error:
        _fail(error)
    triples = release.meta["triples"]
    click.echo(
        f"published release {release.path.name}: {triples['public']} public of "
        f"{triples['restricted']} restricted triples"
    )


@main.command()
@click.argument("query", required=False)
@click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="A query parameter; repeat for several.",
)
@click.option("--format", "fmt", type=click.Choice(RESULT_FORMATS), default="table")
@click.option("--list", "list_queries", is_flag=True, help="List the named queries and exit.")
@_store_option
def query(
    query: str | None, params: tuple[str, ...], fmt: str, list_queries: bool, store: Path
) -> None:
    """Run a named query (by NAME) or a SPARQL file (FILE.rq) on the public dataset."""
    from . import queries, results

    if list_queries:
        for named in queries.catalogue().values():
            parameters = " ".join(
                f"{p.name}:{p.type_label}{'' if p.required else '?'}"
                for p in named.parameters.values()
            )
            click.echo(
                f"{named.name:32} {named.summary}" + (f"  [{parameters}]" if parameters else "")
            )
        return
    if not query:
        raise click.UsageError("give a query NAME or FILE.rq (or --list)")
    values = {}
    for item in params:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"{item!r} is not NAME=VALUE", param_hint="--param")
        values[name] = value
    try:
        if query.endswith(".rq"):
            path = Path(query)
            if not path.is_file():
                raise click.BadParameter(f"no such file: {query}", param_hint="QUERY")
            named = queries.read_query(path)
        else:
            named = queries.get(query)
        release = _store_dir(store).current()
        result = queries.run(release.open("public"), named, values)
        sys.stdout.buffer.write(results.render(result, fmt))
    except EdkgError as error:
        _fail(error)


@main.command()
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="turtle")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File (default: stdout).",
)
@click.option(
    "--kind",
    type=click.Choice(CSV_KINDS),
    default="case",
    show_default=True,
    help="With --format csv: the entities listed, one a row.",
)
@_store_option
def export(fmt: str, output: Path | None, kind: str, store: Path) -> None:
    """Write the public dataset as Turtle, N-Quads or JSON-LD (the whole graph), as schema.org
    JSON-LD (cases, events, persons, places, organisations), or as CSV (one kind of entity)."""
    from .export import export as run_export

    try:
        release = _store_dir(store).current()
        if output is None:
            run_export(release, fmt, sys.stdout.buffer, kind)
        else:
            partial = output.with_name(output.name + ".partial")
            with partial.open("wb") as handle:
                run_export(release, fmt, handle, kind)
            partial.replace(output)
    except EdkgError as error:
        _fail(error)


@main.command()
@click.argument("name")
def token(name: str) -> None:
    """Make an access token for the restricted dataset, for the person or tool NAME.

    Prints the token (give it to NAME, over a safe channel; it is shown once and stored nowhere)
    and the entry to add to EDKG_ACCESS_TOKENS (it holds only the token's SHA-256 digest).
    """
    from .access import TokenSettingError, new_token

    try:
        secret, entry = new_token(name)
    except TokenSettingError as error:
        raise click.BadParameter(str(error), param_hint="NAME") from None
    click.echo(f"token for {name}: {secret}")
    click.echo(f"add to EDKG_ACCESS_TOKENS: {entry}")


@main.group()
def link() -> None:
    """Link places and organisations to Wikidata and GeoNames: propose, review, accept."""


def _number(name: str):
    try:
        return settings.number(name)
    except EdkgError as error:
        raise click.UsageError(error.message) from None


@link.command("propose")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--kind", type=click.Choice(("place", "organisation", "all")), default="all")
@click.option(
    "--endpoint",
    default=lambda: settings.get("LINK_ENDPOINT"),
    show_default="EDKG_LINK_ENDPOINT",
    help="SPARQL endpoint shaped like Wikidata's.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default="candidates.csv",
    show_default=True,
    help="The candidates file to write (whole or not at all).",
)
@click.option("--only", multiple=True, metavar="ID", help="Only this record; repeat for several.")
@click.option("--include-linked", is_flag=True, help="Also records already linked to Wikidata.")
def link_propose(
    paths: tuple[Path, ...],
    kind: str,
    endpoint: str,
    output: Path,
    only: tuple[str, ...],
    include_linked: bool,
) -> None:
    """Ask a SPARQL endpoint for link candidates and write them, scored, to a CSV file.

    PATHS are record files or directories (default: the bundled sample). Review the file, write
    yes in the accept column of the right candidates, then run `edkg link accept FILE`.
    """
    from . import interlink, records

    collection = records.read(list(paths))
    if collection.problems:
        for problem in collection.problems:
            click.echo(str(problem), err=True)
        sys.exit(1)
    client = interlink.Endpoint(
        endpoint,
        user_agent=settings.get("LINK_USER_AGENT") or interlink.DEFAULT_USER_AGENT,
        timeout=_number("LINK_TIMEOUT"),
        min_interval=_number("LINK_MIN_INTERVAL"),
        retries=_number("LINK_RETRIES"),
    )
    kinds = interlink.KINDS if kind == "all" else (kind,)
    try:
        rows = interlink.propose(collection, client, kinds, only, include_linked)
        interlink.write_atomically(output, interlink.candidates_csv(rows))
    except EdkgError as error:
        click.echo(f"edkg: {error.message}; {output} was not written", err=True)
        sys.exit(1)
    subjects = len({(r["kind"], r["id"]) for r in rows})
    click.echo(
        f"{len(rows)} candidates for {subjects} records in {output} ({client.requests} requests "
        f"to {endpoint}); write yes in the accept column of those to keep, then run "
        f"`edkg link accept {output}`"
    )


@link.command("accept")
@click.argument("candidates", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default="data",
    show_default=True,
    help="Folder of places.yaml and organisations.yaml; links.yaml there gets the new links.",
)
@click.option("--checked-by", metavar="ORGANISATION", help="Organisation id of the reviewer.")
def link_accept(candidates: Path, data_dir: Path, checked_by: str | None) -> None:
    """Add the candidates marked yes in the accept column to links.yaml (method edkg-link).

    Every accepted row is checked first; if one is wrong, nothing is added.
    """
    from . import interlink

    try:
        result = interlink.accept(candidates, data_dir, checked_by)
    except EdkgError as error:
        click.echo(f"edkg: {error.message}", err=True)
        sys.exit(1)
    for note in result.skipped:
        click.echo(f"skipped {note}", err=True)
    click.echo(
        f"{len(result.added)} links added to {data_dir / 'links.yaml'}"
        + (f": {', '.join(result.added)}" if result.added else "")
    )


@main.command()
@click.option("--host", default=lambda: settings.get("HOST"), show_default="EDKG_HOST")
@click.option("--port", type=click.IntRange(1, 65535), show_default="EDKG_PORT")
@click.option("--workers", type=click.IntRange(min=1), show_default="EDKG_WORKERS")
@click.option("--threads", type=click.IntRange(min=1), show_default="EDKG_THREADS")
@_store_option
def serve(
    host: str, port: int | None, workers: int | None, threads: int | None, store: Path
) -> None:
    """Serve the public dataset over HTTP with gunicorn."""
    from .server.runner import run

    try:
        settings.check()  # every worker reads them: refuse a bad one before starting any
        port = port or settings.number("PORT")
        workers = workers or settings.number("WORKERS")
        threads = threads or settings.number("THREADS")
        _store_dir(store).current()
    except EdkgError as error:
        _fail(error)
    run(host=host, port=port, workers=workers, store=store, threads=threads)
