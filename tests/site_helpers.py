"""What the site tests read pages with: a strict-enough HTML tree, the document an IRI is
published in, relative links resolved, and the links of a whole site that lead nowhere."""

import posixpath
from html.parser import HTMLParser
from pathlib import Path

from rdflib import URIRef

BASE = "https://w3id.org/rekg/"
REKG = "https://w3id.org/rekg/ontology#"
OA = "http://www.w3.org/ns/oa#"
FORMATS = {"ttl": "turtle", "jsonld": "json-ld", "nt": "nt"}
VOID_ELEMENTS = {"meta", "link", "img", "br", "hr", "input", "source", "wbr"}
SVG = "{http://www.w3.org/2000/svg}"


class Node:
    def __init__(self, tag, attrs, parent=None):
        self.tag, self.attrs, self.parent, self.children = tag, dict(attrs), parent, []

    def text(self, skip=lambda node: False) -> str:
        out = []
        for child in self.children:
            if isinstance(child, str):
                out.append(child)
            elif not skip(child):
                out.append(child.text(skip))
        return "".join(out)

    def iter(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.iter()

    def find_all(self, tag, cls=None):
        return [
            n
            for n in self.iter()
            if n.tag == tag and (cls is None or cls in n.attrs.get("class", "").split())
        ]


class Tree(HTMLParser):
    """A strict-enough DOM: every element closed in order, or the page is broken."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Node("#root", {})
        self.errors = []

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.current)
        self.current.children.append(node)
        if tag not in VOID_ELEMENTS:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, attrs, self.current))

    def handle_endtag(self, tag):
        if tag in VOID_ELEMENTS:
            return
        if self.current.tag != tag:
            self.errors.append(f"</{tag}> closes <{self.current.tag}>")
            return
        self.current = self.current.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse_html(path: Path) -> Node:
    return parse_html_text(path.read_text(encoding="utf-8"), str(path))


def parse_html_text(text: str, where: str) -> Node:
    """A page given as text (a server's answer); `where` names it in a failure."""
    tree = Tree()
    tree.feed(text)
    tree.close()
    assert tree.errors == [], f"{where}: {tree.errors[:3]}"
    assert tree.current is tree.root, f"{where}: <{tree.current.tag}> never closed"
    return tree.root


def document_of(term) -> str | None:
    if not isinstance(term, URIRef) or not str(term).startswith(BASE):
        return None
    path = str(term)[len(BASE) :].split("#", 1)[0]
    return path if path.startswith(("id/", "ontology")) else None


def resolve(page: str, href: str) -> str:
    return posixpath.normpath(posixpath.join(posixpath.dirname(page), href.split("#", 1)[0]))


def dead_links(site: Path) -> list[str]:
    """'page: href' for every href and src of every page, local to the site, whose file is
    missing, or whose #fragment names no element of the page it leads to."""
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    trees = {page: parse_html(site / page) for page in pages}
    ids = {
        page: {n.attrs["id"] for n in tree.iter() if "id" in n.attrs}
        for page, tree in trees.items()
    }
    dead = []
    for page, tree in trees.items():
        for node in tree.iter():
            for attr in ("href", "src"):
                href = node.attrs.get(attr)
                if not href or href.startswith(("http://", "https://", "mailto:")):
                    continue
                target = resolve(page, href) if not href.startswith("#") else page
                missing = not (site / target).is_file() or (
                    "#" in href
                    and target.endswith(".html")
                    and href.split("#", 1)[1] not in ids[target]
                )
                if missing:
                    dead.append(f"{page}: {href}")
    return dead


def tree(root) -> dict:
    """Every file under `root` by its relative path, with its bytes."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }
