"""The ontology reference: each class, property and individual of the rekg namespace with
its hierarchy, domain and range, inverse, characteristics, use in the data, and the SHACL
rules that apply to it, said in plain words."""

from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS

from rekg.core.namespaces import REKG
from rekg.core.report import short
from rekg.site.model import Site

PAGE = "ontology.html"
KINDS = (
    ("classes", "Classes", (OWL.Class,)),
    ("object-properties", "Object properties", (OWL.ObjectProperty,)),
    ("datatype-properties", "Datatype properties", (OWL.DatatypeProperty,)),
    ("annotation-properties", "Annotation properties", (OWL.AnnotationProperty,)),
    ("individuals", "Individuals", (OWL.NamedIndividual,)),
)
CHARACTERISTICS = {
    OWL.TransitiveProperty: "transitive",
    OWL.SymmetricProperty: "symmetric",
    OWL.AsymmetricProperty: "asymmetric",
    OWL.FunctionalProperty: "functional",
    OWL.InverseFunctionalProperty: "inverse-functional",
    OWL.ReflexiveProperty: "reflexive",
    OWL.IrreflexiveProperty: "irreflexive",
}


@dataclass
class Term:
    iri: URIRef
    anchor: str
    label: str
    kind: str
    definitions: list = field(default_factory=list)
    comments: list = field(default_factory=list)
    supers: list = field(default_factory=list)
    equivalents: list = field(default_factory=list)  # plain-words descriptions
    subs: list = field(default_factory=list)
    domains: list = field(default_factory=list)
    ranges: list = field(default_factory=list)
    inverses: list = field(default_factory=list)
    characteristics: list = field(default_factory=list)
    disjoint: list = field(default_factory=list)
    types: list = field(default_factory=list)
    usage: list = field(default_factory=list)  # sentences
    rules: list = field(default_factory=list)  # (shape link, what it says, [details])


def _names(graph: Graph, kinds) -> set:
    out = set()
    for kind in kinds:
        out.update(t for t in graph.subjects(RDF.type, kind) if str(t).startswith(str(REKG._NS)))
    return out


def terms(site: Site, ontology: Graph, asserted: Graph, closure: Graph, shapes: Graph):
    """[(section id, title, [Term])] in label order within each section."""
    link = lambda t: site.link(t, PAGE)  # noqa: E731
    rules = shape_rules(shapes, ontology, site)
    disjoint = _disjointness(ontology)
    claim_predicates = defaultdict(int)
    for _, p in asserted.subject_objects(RDF.predicate):
        claim_predicates[p] += 1
    sections, done = [], set()
    for section, title, kinds in KINDS:
        if section == "individuals":
            names = {
                t
                for t in ontology.subjects(RDF.type, None)
                if str(t).startswith(str(REKG._NS)) and t not in done and isinstance(t, URIRef)
            }
        else:
            names = _names(ontology, kinds) - done
        done |= names
        items = []
        for iri in names:
            term = Term(iri, str(iri).rsplit("#", 1)[-1], site.label(iri), section)
            term.definitions = sorted(str(d) for d in ontology.objects(iri, SKOS.definition))
            term.comments = sorted(str(d) for d in ontology.objects(iri, RDFS.comment))
            sub_of = RDFS.subClassOf if section == "classes" else RDFS.subPropertyOf
            term.supers = sorted(
                (link(o) for o in ontology.objects(iri, sub_of) if isinstance(o, URIRef)),
                key=lambda x: x.label,
            )
            term.equivalents = sorted(
                _restriction_words(ontology, o, site)
                for o in ontology.objects(iri, OWL.equivalentClass)
            )
            term.subs = sorted(
                (link(s) for s in ontology.subjects(sub_of, iri) if isinstance(s, URIRef)),
                key=lambda x: x.label,
            )
            term.domains = [link(o) for o in sorted(ontology.objects(iri, RDFS.domain))]
            term.ranges = [link(o) for o in sorted(ontology.objects(iri, RDFS.range))]
            inverse = set(ontology.objects(iri, OWL.inverseOf)) | set(
                ontology.subjects(OWL.inverseOf, iri)
            )
            term.inverses = [link(o) for o in sorted(inverse)]
            term.characteristics = sorted(
                CHARACTERISTICS[t] for t in ontology.objects(iri, RDF.type) if t in CHARACTERISTICS
            )
            term.disjoint = sorted((link(o) for o in disjoint.get(iri, ())), key=lambda x: x.label)
            term.types = sorted(
                (link(t) for t in ontology.objects(iri, RDF.type) if t not in CHARACTERISTICS),
                key=lambda x: x.label,
            )
            term.usage = _usage(iri, section, asserted, closure, claim_predicates)
            term.rules = rules.get(iri, [])
            items.append(term)
        items.sort(key=lambda t: (t.label.lower(), t.anchor))
        sections.append((section, title, items))
    return sections


def _usage(iri, section, asserted, closure, claim_predicates) -> list[str]:
    if section == "classes":
        stated = len(set(asserted.subjects(RDF.type, iri)))
        inferred = len(set(closure.subjects(RDF.type, iri)))
        return [f"{stated} resources typed so in the data; {inferred} with inferences"]
    if section == "individuals":
        uses = sum(1 for _ in asserted.subject_predicates(iri))
        return [f"used as a value {uses} times in the data"]
    stated = sum(1 for _ in asserted.triples((None, iri, None)))
    inferred = sum(1 for _ in closure.triples((None, iri, None)))
    out = [f"{stated} triples in the data; {inferred} with inferences"]
    if claim_predicates.get(iri):
        out.append(f"the relation of {claim_predicates[iri]} claims")
    return out


def _disjointness(ontology: Graph) -> dict:
    out = defaultdict(set)
    for prop in (OWL.disjointWith, OWL.propertyDisjointWith):
        for a, b in ontology.subject_objects(prop):
            out[a].add(b)
            out[b].add(a)
    for node in ontology.subjects(RDF.type, OWL.AllDisjointClasses):
        members = list(Collection(ontology, ontology.value(node, OWL.members)))
        for a in members:
            out[a].update(m for m in members if m != a)
    return out


def _restriction_words(graph: Graph, node, site: Site) -> str:
    if isinstance(node, URIRef):
        return f"the same as {site.label(node)}"
    prop = graph.value(node, OWL.onProperty)
    for key, words in (
        (OWL.hasValue, "has {p} {v}"),
        (OWL.someValuesFrom, "has some {p} that is a {v}"),
        (OWL.allValuesFrom, "has only {p} values that are a {v}"),
    ):
        value = graph.value(node, key)
        if value is not None:
            return "everything that " + words.format(p=site.label(prop), v=site.label(value))
    return "a class expression"


# ---------------------------------------------------------------- SHACL in plain words


def shape_rules(shapes: Graph, ontology: Graph, site: Site) -> dict:
    """term -> [(shape name, what it says, [rules in plain words])]: node shapes apply to
    their target classes and every sub-class, property shapes to their path."""
    out = defaultdict(list)
    supers = _superclasses(ontology)
    targets = defaultdict(list)
    for shape in sorted(set(shapes.subjects(RDF.type, SH.NodeShape))):
        for cls in shapes.objects(shape, SH.targetClass):
            targets[cls].append(shape)
    for cls in sorted(_names(ontology, (OWL.Class,))):
        for above in sorted({cls} | supers.get(cls, set())):
            for shape in targets.get(above, ()):
                details = [
                    f"{_path_words(shapes, ps, site)}: {_constraint_words(shapes, ps, site)}"
                    for ps in _property_shapes(shapes, shape)
                ]
                details += [
                    str(shapes.value(c, SH.message))
                    for c in sorted(shapes.objects(shape, SH.sparql))
                    if shapes.value(c, SH.message)
                ]
                if shapes.value(shape, SH.message):
                    details.append(str(shapes.value(shape, SH.message)))
                scope = "" if above == cls else f" (it applies to every {site.label(above)})"
                out[cls].append((short(shape), _comment(shapes, shape) + scope, details))
    for shape in sorted(set(shapes.subjects(RDF.type, SH.NodeShape))):
        for ps in _property_shapes(shapes, shape):
            path = shapes.value(ps, SH.path)
            inverse = shapes.value(path, SH.inversePath) if isinstance(path, BNode) else None
            prop = inverse if inverse is not None else path
            if not isinstance(prop, URIRef):
                continue
            for cls in sorted(shapes.objects(shape, SH.targetClass)):
                what = f"on every {site.label(cls)}" + (" (read backwards)" if inverse else "")
                out[prop].append((short(shape), what, [_constraint_words(shapes, ps, site)]))
    return out


def _superclasses(ontology: Graph) -> dict:
    direct = defaultdict(set)
    for a, b in ontology.subject_objects(RDFS.subClassOf):
        if isinstance(b, URIRef):
            direct[a].add(b)
    out = {}
    for cls in list(direct):
        seen, todo = set(), list(direct[cls])
        while todo:
            c = todo.pop()
            if c not in seen:
                seen.add(c)
                todo.extend(direct.get(c, ()))
        out[cls] = seen
    return out


def _property_shapes(shapes: Graph, shape) -> list:
    found = list(shapes.objects(shape, SH.property))
    return sorted(
        found, key=lambda ps: (str(shapes.value(ps, SH.path)), _constraint_key(shapes, ps))
    )


def _constraint_key(shapes, ps) -> str:
    return str(shapes.value(ps, SH.message) or "")


def _comment(shapes: Graph, shape) -> str:
    comment = shapes.value(shape, RDFS.comment)
    return str(comment) if comment is not None else ""


def _path_words(shapes: Graph, ps, site: Site) -> str:
    path = shapes.value(ps, SH.path)
    if isinstance(path, BNode) and shapes.value(path, SH.inversePath) is not None:
        return f"{site.label(shapes.value(path, SH.inversePath))} (read backwards)"
    return site.label(path) if path is not None else "the node"


def _constraint_words(shapes: Graph, ps, site: Site) -> str:
    v = lambda key: shapes.value(ps, key)  # noqa: E731
    parts = []
    low, high = v(SH.minCount), v(SH.maxCount)
    if low is not None and high is not None and int(low) == int(high):
        parts.append(f"exactly {int(low)} value{'s' * (int(low) != 1)}")
    else:
        if low is not None and int(low) > 0:
            parts.append(f"at least {int(low)} value{'s' * (int(low) != 1)}")
        if high is not None:
            parts.append(f"at most {int(high)} value{'s' * (int(high) != 1)}")
    if v(SH["class"]) is not None:
        parts.append(f"each a {site.label(v(SH['class']))}")
    if v(SH.datatype) is not None:
        parts.append(f"typed {short(v(SH.datatype))}")
    if v(SH.nodeKind) is not None:
        parts.append(f"each {str(v(SH.nodeKind)).rsplit('#', 1)[-1].replace('IRI', 'an IRI')}")
    if v(SH["in"]) is not None:
        members = Collection(shapes, v(SH["in"]))
        parts.append("one of " + ", ".join(site.label(m) for m in members))
    if v(SH.pattern) is not None:
        parts.append(f"matching {v(SH.pattern)}")
    if v(SH.minInclusive) is not None:
        parts.append(f"no less than {v(SH.minInclusive)}")
    if v(SH.minLength) is not None:
        parts.append(f"at least {v(SH.minLength)} character(s) long")
    if v(SH.uniqueLang) is not None and v(SH.uniqueLang).toPython() is True:
        parts.append("one per language")
    if v(SH.languageIn) is not None:
        langs = ", ".join(str(x) for x in Collection(shapes, v(SH.languageIn)))
        parts.append(f"in language {langs}")
    if v(SH.lessThan) is not None:
        parts.append(f"below its {site.label(v(SH.lessThan))}")
    if v(SH.qualifiedValueShape) is not None:
        inner = v(SH.qualifiedValueShape)
        cls, has = shapes.value(inner, SH["class"]), shapes.value(inner, SH.hasValue)
        what = site.label(cls) if cls is not None else site.label(has) if has is not None else "?"
        if v(SH.qualifiedMinCount) is not None:
            parts.append(f"at least {v(SH.qualifiedMinCount)} that is {what}")
        if v(SH.qualifiedMaxCount) is not None:
            parts.append(f"at most {v(SH.qualifiedMaxCount)} that is {what}")
    text = "; ".join(parts) or "a condition"
    message = v(SH.message)
    return text + (f" — “{message}”" if isinstance(message, Literal) else "")
