"""`rekg publish`: the static linked-data site, rendered from the built graph. Every IRI of
the graph under https://w3id.org/rekg/ gets a page and its Turtle, JSON-LD and N-Triples
beside it; paths mirror the IRIs, and links are relative, so the site works from a file
server and under any path prefix. The output is a pure function of the inputs."""

import hashlib
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from rekg import __version__
from rekg.core.engines import Engine
from rekg.core.errors import DataError, UsageError
from rekg.core.formats import RDF_FORMATS
from rekg.core.namespaces import BASE, ONTOLOGY_IRI, REKG, bind_prefixes
from rekg.core.project import Project
from rekg.export.swap import replaced
from rekg.graph.cache import is_fresh
from rekg.graph.rdfio import parse_file, serialize
from rekg.ingest.sources import SourceText
from rekg.pipeline import build
from rekg.query.catalogue import load_catalogue
from rekg.query.run import run_catalogue
from rekg.site.diagram import NO_GRAPHVIZ, diagrams, have_graphviz
from rekg.site.model import (
    MODALITY_KEY,
    Site,
    by_modality,
    descriptions,
    document_of,
    evidence_about,
    read_claims,
    wikidata_links,
)
from rekg.site.ontology import terms
from rekg.site.source import METADATA, SIZE, about, coverage, modality_counts, segments

# rekg/: templates and static are shared with serve
PACKAGE = Path(__file__).resolve().parent.parent
TEMPLATES = PACKAGE / "templates"
STATIC = PACKAGE / "static"
DIST_FILES = (
    "rekg.ttl",
    "rekg.nt",
    "rekg.jsonld",
    "rekg-inferred.ttl",
    "void.ttl",
    "rekg.trig",
    "rekg.nq",
)
# deployment files, copied into site/ (and kept identical in the repository's deploy/)
DEPLOY = {
    ".htaccess": "deploy.htaccess",
    "ontology.var": "deploy.ontology.var",
    "rekg-nginx.conf": "deploy.nginx.conf",
    "rekg-conneg.js": "deploy.conneg.js",
}
# YASGUI, vendored into the package by scripts/vendor-yasgui.sh (pinned by
# vendor/yasgui/package-lock.json), copied into every site: the query pages load nothing
# from a CDN. The site's own scripts beside it, also files: no inline script anywhere.
YASGUI = STATIC / "yasgui"
YASGUI_FILES = ("yasgui.min.js", "yasgui.min.css")
SCRIPTS = ("rekg-query.js",)
CITATION = "The rekg contributors ({year}). rekg: China and Southeast Asia on rare earths, version {version}. https://w3id.org/rekg/id/dataset"


@dataclass
class PublishResult:
    out: Path
    files: dict = field(default_factory=dict)  # site path -> bytes
    built: bool = False
    seconds: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)  # what was left out, and why


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False, "indent": 1}
    return env


def dist_is_fresh(project: Project, dist: Path) -> bool:
    """Every dist file present and none older than any input."""
    names = (*DIST_FILES, "SHA256SUMS", "answers.md")
    return all(is_fresh(project, dist / name, everything=True) for name in names)


def _parse(path: Path, project: Project) -> Graph:
    graph = bind_prefixes(Graph())
    parse_file(path, graph, project.relative(path))
    return graph


def warn_on_stderr(message: str) -> None:
    print(f"rekg publish: warning: {message}", file=sys.stderr)


def publish(
    project: Project,
    out: Path | None = None,
    dist: Path | None = None,
    engine: Engine = Engine.FAST,
    warn: Callable[[str], None] = warn_on_stderr,
) -> PublishResult:
    """Build dist/ first when it is missing or stale, then render the site into `out`
    (default site/), replacing it only when everything rendered. Without Graphviz the site
    is published without its diagrams, and `warn` is told so once."""
    out = out or project.root / "site"
    dist = dist or project.dist
    _check_out(project, out, dist)
    yasgui = vendored_yasgui()  # before any work: a missing editor stops the publish at once
    result = PublishResult(out)
    start = time.perf_counter()
    catalogue = load_catalogue(project.queries)
    answers = None
    if not dist_is_fresh(project, dist):
        answers = build(project, dist, engine=engine).answers
        result.built = True
    # The site is rendered from the published files, whichever engine built them, so
    # that the pages describe exactly what the downloads hold.
    asserted = _parse(dist / "rekg.ttl", project)
    closure = _parse(dist / "rekg-inferred.ttl", project)
    if answers is None:
        answers = run_catalogue(closure, catalogue, engine)
    void = _parse(dist / "void.ttl", project)
    ontology = _parse(project.ontology, project)
    shapes = _parse(project.shapes, project) if project.shapes.is_file() else Graph()
    result.seconds["load"] = round(time.perf_counter() - start, 3)

    start = time.perf_counter()
    draw = have_graphviz()
    files = render(
        project, dist, asserted, closure, void, ontology, shapes, catalogue, answers, draw
    )
    files.update(yasgui)
    files = dict(sorted(files.items()))
    result.seconds["render"] = round(time.perf_counter() - start, 3)
    start = time.perf_counter()
    with replaced(out) as stage:  # site/ is never missing nor half written
        for name, data in files.items():
            target = stage / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    result.seconds["write"] = round(time.perf_counter() - start, 3)
    result.files = files
    if not draw:
        result.warnings.append(NO_GRAPHVIZ)
    for message in result.warnings:
        warn(message)
    return result


def vendored_yasgui(folder: Path | None = None) -> dict[str, bytes]:
    """The site's copy of YASGUI by its site path; a UsageError naming the command that
    vendors it when it is missing."""
    folder = folder or YASGUI
    missing = [name for name in YASGUI_FILES if not (folder / name).is_file()]
    if missing:
        raise UsageError(
            f"YASGUI, the SPARQL editor of the query pages, is not vendored: "
            f"{folder / missing[0]} is missing",
            remedy="run scripts/vendor-yasgui.sh (it installs the pinned @zazuko/yasgui "
            "with npm ci), or make publish",
        )
    return {f"static/yasgui/{name}": (folder / name).read_bytes() for name in YASGUI_FILES}


def _check_out(project: Project, out: Path, dist: Path) -> None:
    """The site folder is replaced as a whole: refuse a folder that is not a site."""
    target = out.resolve()
    precious = {project.root.resolve(), dist.resolve(), *project.root.resolve().parents}
    inside = [project.data, project.queries, project.root / "ontology", dist]
    if (
        target in precious
        or any(target == p.resolve() or p.resolve() in target.parents for p in inside)
        or (target.is_dir() and any(target.iterdir()) and not (target / "index.html").is_file())
    ):
        raise UsageError(
            f"refusing to write the site to {out}: the folder is replaced as a whole, and it "
            "is not a site published before",
            remedy="give --out a new or empty folder, or one rekg publish wrote (default: site/)",
        )


def render(project, dist, asserted, closure, void, ontology, shapes, catalogue, answers, draw=True):
    """Every file of the site by its path; `draw=False` leaves the diagrams out, and no page
    links to them."""
    env = environment()
    described = bind_prefixes(Graph())
    for graph in (asserted, void):
        for triple in graph:
            described.add(triple)
    site = Site(described, closure)
    claims = read_claims(asserted)
    files: dict[str, bytes] = {}

    # downloads: dist/ as built, with checksums computed here from the bytes themselves
    downloads = []
    for path in sorted(p for p in dist.iterdir() if p.is_file() and not p.name.startswith(".")):
        data = path.read_bytes()
        files[f"dist/{path.name}"] = data
        downloads.append((path.name, len(data), hashlib.sha256(data).hexdigest()))
    for name in DIST_FILES:
        if f"dist/{name}" not in files:
            raise UsageError(f"{dist / name} is missing", remedy="run 'rekg build' first")

    drawn = diagrams(site, claims) if draw else {}
    files.update(drawn)
    files["static/rekg.css"] = (STATIC / "rekg.css").read_bytes()
    for name in SCRIPTS:
        files[f"static/{name}"] = (STATIC / name).read_bytes()
    for name, template in DEPLOY.items():
        files[name] = (TEMPLATES / template).read_bytes()

    docs = descriptions(described)
    docs["ontology"] = ontology
    version = ontology.value(ONTOLOGY_IRI, URIRef("http://www.w3.org/2002/07/owl#versionIRI"))
    if document_of(version) is not None:
        docs[document_of(version)] = ontology

    sources = sorted(asserted.subjects(RDF.type, REKG.SourceDocument))
    # the one source's page, or the landing page's list of them (site paths from the root)
    if len(sources) == 1:
        sources_nav = ("Annotated source", site.target(sources[0]))
    else:
        sources_nav = ("Sources", "index.html#sources") if sources else None

    def page(_path: str, _template: str, **context) -> None:
        context.setdefault("title", "rekg")
        html = env.get_template(_template).render(
            root="../" * _path.count("/"),
            page=_path,
            version=__version__,
            sources_nav=sources_nav,
            **context,
        )
        files[_path] = html.encode("utf-8")

    def alternates(doc: str) -> list[tuple[str, str, str]]:
        base = doc.rsplit("/", 1)[-1]
        return [(fmt.media_type, f"{base}.{fmt.extension}", fmt.name) for fmt in RDF_FORMATS]

    for doc, graph in sorted(docs.items()):
        for fmt in RDF_FORMATS:
            files[f"{doc}.{fmt.extension}"] = serialize(graph, fmt.name)

    # the landing page
    classes = _class_sizes(site, ontology, asserted, closure)
    tallies = modality_counts(list(claims.values()))
    void_doc = json.loads(serialize(void, "jsonld"))
    dataset = URIRef(BASE + "id/dataset")
    page(
        "index.html",
        "index.html.j2",
        title=str(void.value(dataset, DCTERMS.title) or "rekg"),
        description=str(void.value(dataset, DCTERMS.description) or ""),
        classes=classes,
        tallies=tallies,
        total_claims=len(claims),
        downloads=downloads,
        void_doc=void_doc,
        dataset=site.link(dataset, "index.html"),
        licence=site.link(void.value(dataset, DCTERMS.license), "index.html")
        if void.value(dataset, DCTERMS.license) is not None
        else None,
        # a fixed year, not the clock's: two publishes must give the same bytes
        citation=CITATION.format(year="2026", version=__version__),
        sources=[
            {
                "link": site.link(s, "index.html"),
                "claims": sum(1 for c in claims.values() if c.source == s),
                "drafts": sum(1 for c in claims.values() if c.source == s and c.draft),
            }
            for s in sources
        ],
        countries=[
            site.link(c, "index.html")
            for c in sorted(asserted.subjects(RDF.type, REKG.Country), key=site.label)
        ],
        queries=sorted(catalogue.items()),
        diagram="diagram/supply-chain.svg" in drawn,
    )
    # resource pages
    for doc in sorted(docs):
        if not doc.startswith("id/"):
            continue
        name = f"{doc}.html"
        term = URIRef(BASE + doc)
        page(
            name,
            "resource.html.j2",
            **_resource_context(site, term, name, docs[doc], claims, closure, project, drawn),
            alternates=alternates(doc),
        )

    # the ontology reference, and the version IRI's page
    sections = terms(site, ontology, asserted, closure, shapes)
    page(
        "ontology.html",
        "ontology.html.j2",
        title="The rekg ontology",
        sections=sections,
        about=_ontology_about(site, ontology),
        alternates=alternates("ontology"),
    )
    if version is not None and document_of(version) not in (None, "ontology"):
        vdoc = document_of(version)
        page(
            f"{vdoc}.html",
            "version.html.j2",
            title=f"The rekg ontology, version {vdoc.rsplit('/', 1)[-1]}",
            iri=str(version),
            ontology=site.link(ONTOLOGY_IRI, f"{vdoc}.html"),
            alternates=alternates(vdoc),
        )

    # the query catalogue
    page(
        "queries/index.html",
        "queries.html.j2",
        title="Stored questions",
        queries=sorted(catalogue.items()),
    )
    for name, query in sorted(catalogue.items()):
        rows = answers[name]
        table = [
            [
                site.value(row[v], f"queries/{name}.html") if v in row else None
                for v in rows.variables
            ]
            for row in rows.rows
        ]
        page(
            f"queries/{name}.html",
            "query.html.j2",
            title=query.summary,
            name=name,
            query=query,
            variables=rows.variables,
            table=table,
        )
    return dict(sorted(files.items()))


def _class_sizes(site, ontology, asserted, closure):
    out = []
    for cls in set(ontology.subjects(RDF.type, URIRef("http://www.w3.org/2002/07/owl#Class"))):
        if not str(cls).startswith(str(REKG._NS)):
            continue
        stated = len(set(asserted.subjects(RDF.type, cls)))
        inferred = len(set(closure.subjects(RDF.type, cls)))
        if inferred:
            out.append((site.link(cls, "index.html"), stated, inferred))
    return sorted(out, key=lambda row: (-row[2], row[0].label))


def _ontology_about(site, ontology):
    o = ONTOLOGY_IRI
    value = lambda p: str(ontology.value(o, p) or "")  # noqa: E731
    return {
        "title": value(DCTERMS.title),
        "description": value(DCTERMS.description),
        "version": value(URIRef("http://www.w3.org/2002/07/owl#versionInfo")),
        "iri": str(o),
        "licence": site.link(ontology.value(o, DCTERMS.license), "ontology.html")
        if ontology.value(o, DCTERMS.license) is not None
        else None,
    }


def _resource_context(
    site: Site, term, name: str, graph: Graph, claims, closure, project, drawn=()
):
    label = site.label(term)
    asserted_types = sorted(set(site.graph.objects(term, RDF.type)))
    inferred_types = sorted(set(closure.objects(term, RDF.type)) - set(asserted_types))
    shown = {RDF.type, RDFS.label, SKOS.definition}
    is_source = (term, RDF.type, REKG.SourceDocument) in site.graph
    if is_source:  # shown in the source's own section
        shown |= {p for _, _, predicates, _ in METADATA for p in predicates}
        shown |= {*SIZE, REKG.sha256}
    outgoing, parts, incoming = [], {}, []
    for s, p, o in sorted(graph):
        if s == term:
            if p not in shown:
                outgoing.append((site.link(p, name), site.value(o, name)))
        elif document_of(s) == document_of(term) and isinstance(s, URIRef):
            parts.setdefault(s, []).append((site.link(p, name), site.value(o, name)))
        elif isinstance(s, URIRef) and document_of(o) == document_of(term):
            incoming.append((site.value(s, name), site.link(p, name), site.value(o, name)))
    context = dict(
        title=label,
        label=label,
        iri=str(term),
        definitions=sorted(str(d) for d in site.graph.objects(term, SKOS.definition)),
        types=[site.link(t, name) for t in asserted_types],
        inferred_types=[site.link(t, name) for t in inferred_types],
        outgoing=outgoing,
        parts=[
            (site.link(s, name), fragment, rows)
            for s, rows in sorted(parts.items())
            for fragment in [str(s).split("#", 1)[-1]]
        ],
        incoming=incoming,
        wikidata=wikidata_links(site.graph, term),
        evidence=[
            {
                "source": site.link(source, name) if source is not None else None,
                "anchor": _anchor(source, i),
                "count": sum(len(group) for _, group in groups),
                "groups": _modality_groups(site, groups, name),
            }
            for i, (source, groups) in enumerate(evidence_about(claims, term, site.label))
        ],
        claim=_claim_view(site, claims[term], name) if term in claims else None,
        diagram=None,
        annotated=None,
        source=None,
    )
    if (term, RDF.type, REKG.Country) in site.closure and (
        term,
        RDF.type,
        REKG.Country,
    ) in site.graph:
        diagram = f"diagram/{name[3:-5]}.svg"
        if diagram in drawn:
            context["diagram"] = "../" * name.count("/") + diagram
    if is_source:
        path = _local_copy(site, term, project)
        mine = [c for c in claims.values() if c.source == term]
        if path is not None:
            context["annotated"] = _annotated(site, term, name, mine, path)
        context["source"] = {
            "about": about(site, term, name, path.read_bytes() if path is not None else None),
            "claims": len(mine),
            "drafts": sum(c.draft for c in mine),
            "negated": sum(c.negated for c in mine),
            "groups": _modality_groups(site, by_modality(mine), name),
        }
    return context


def _anchor(source, index: int) -> str:
    """The id of a source's section on a resource page: its slug, stable across publishes."""
    doc = document_of(source) if source is not None else None
    if doc is not None:
        return "from-" + doc.rsplit("/", 1)[-1]
    return "from-unknown" if source is None else f"from-source-{index + 1}"


def _modality_groups(site: Site, groups, page: str) -> list:
    return [
        (MODALITY_KEY.get(m, "other"), site.label(m), [_claim_view(site, c, page) for c in group])
        for m, group in groups
    ]


def _claim_view(site: Site, claim, page: str) -> dict:
    source_page = site.href(claim.source, page) if claim.source is not None else None
    return {
        "slug": claim.slug,
        "number": claim.number,
        "href": site.href(claim.iri, page),
        "modality": claim.modality_key,
        "modality_label": site.label(claim.modality),
        "negated": claim.negated,
        "draft": claim.draft,
        "exact": claim.exact,
        "prefix": claim.prefix,
        "suffix": claim.suffix,
        "subject": site.link(claim.subject, page) if claim.subject is not None else None,
        "predicate": site.link(claim.predicate, page) if claim.predicate is not None else None,
        "object": site.value(claim.object, page) if claim.object is not None else None,
        "time": site.link(claim.time, page) if claim.time is not None else None,
        "in_source": f"{source_page}#q-{claim.slug}" if source_page else None,
    }


def _local_copy(site: Site, term, project: Project) -> Path | None:
    local = site.graph.value(term, REKG.localCopy)
    if local is None:
        return None
    path = (project.root / str(local)).resolve()
    if project.root.resolve() not in path.parents or not path.is_file():
        raise DataError(
            f"the local copy of {term} is not a file inside the project: {local}",
            remedy="give rekg:localCopy as a path under data/sources/",
        )
    return path


def _annotated(site: Site, term, page: str, mine: list, path: Path) -> dict:
    source = SourceText.read(document_of(term).rsplit("/", 1)[-1], path)
    cover = coverage(source, mine)
    segs = []
    for seg in segments(source.text, mine):
        inner = seg.innermost
        segs.append(
            {
                "text": seg.text,
                "claims": " ".join(c.slug for c in seg.claims),
                "modality": seg.modality_key,
                "multi": len(seg.claims) > 1,
                "draft": seg.draft,
                "href": site.href(inner.iri, page) if inner else None,
                "title": "; ".join(
                    f"claim {c.number}: {site.label(c.modality)}"
                    + (" (denied)" if c.negated else "")
                    + (" (draft, not reviewed)" if c.draft else "")
                    for c in seg.claims
                ),
                "starts": [
                    {
                        "slug": c.slug,
                        "number": c.number,
                        "modality": c.modality_key,
                        "href": site.href(c.iri, page),
                        "negated": c.negated,
                        "draft": c.draft,
                    }
                    for c in seg.starts
                ],
            }
        )
    return {
        "segments": segs,
        "covered": cover.covered,
        "sentences": cover.sentences,
        "percent": cover.percent,
        "claims": len(mine),
        "drafts": sum(c.draft for c in mine),
        "tallies": modality_counts(mine),
    }
