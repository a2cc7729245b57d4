"""The stored queries: one question per .rq file under queries/, with a grlc-compatible
`#+` YAML header. Parameters follow grlc's naming: `?_country_iri` is a parameter named
`country` whose value is an IRI; `?_year_integer` an xsd:integer; `?_name` a plain string."""

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from rekg.core.errors import InputSyntaxError, UsageError

# grlc's naming of parameter variables: ?_name (a string), ?_name_iri, ?_name_integer,
# ?_name_en (a language tag) and ?_name_xsd_TYPE. grlc reads any other suffix as a language
# tag (?_x_date gives "..."@date), so the bare _decimal, _boolean, _date and _string are
# refused rather than read one way here and another way by grlc.
_PARAM = re.compile(
    r"\?(_{1,2})([A-Za-z][A-Za-z0-9]*)"
    r"(?:_(iri|integer|en|xsd_(?:integer|decimal|boolean|date|string)|decimal|boolean|date|string))?\b"
)
_NOT_GRLC = {"decimal", "boolean", "date", "string"}


@dataclass(frozen=True)
class Param:
    name: str
    variable: str  # without the leading '?'
    kind: str  # iri, integer, decimal, boolean, date, string, en
    optional: bool
    description: str = ""
    default: str | None = None


@dataclass
class StoredQuery:
    name: str
    path: Path
    group: str  # "questions" or "checks"
    text: str
    summary: str = ""
    description: str = ""
    tags: list = field(default_factory=list)
    params: list = field(default_factory=list)

    @property
    def param_names(self) -> list[str]:
        return [p.name for p in self.params]

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)


def parse_query_file(path: Path, group: str, display: str | None = None) -> StoredQuery:
    display = display or str(path)
    text = path.read_text(encoding="utf-8")
    header_lines = [
        line[3:] if line.startswith("#+ ") else line[2:]
        for line in text.splitlines()
        if line.startswith("#+")
    ]
    try:
        header = yaml.safe_load("\n".join(header_lines)) or {}
    except yaml.YAMLError as exc:
        raise InputSyntaxError(
            f"the '#+' header is not valid YAML: {exc}",
            place=display,
            remedy="write the header as '#+ key: value' lines",
        ) from None
    if not isinstance(header, dict) or not header.get("summary"):
        raise InputSyntaxError(
            "the query has no '#+ summary:' header line",
            place=display,
            remedy="start the file with '#+ summary: <the question>'",
        )
    described = header.get("parameters") or {}
    defaults = {}
    for item in header.get("defaults") or []:
        defaults.update(item)
    params, seen = [], set()
    for match in _PARAM.finditer(text):
        underscores, name, kind = match.groups()
        variable = match.group(0)[1:]
        if kind in _NOT_GRLC:
            line = text.count("\n", 0, match.start()) + 1
            raise InputSyntaxError(
                f"parameter variable ?{variable}: grlc reads the suffix _{kind} as a language "
                f'tag ("..."@{kind}), not as xsd:{kind}',
                place=f"{display}:{line}",
                remedy=f"write ?{underscores}{name}_xsd_{kind}, which grlc and rekg both read "
                f"as an xsd:{kind} literal",
            )
        kind = kind.removeprefix("xsd_") if kind else kind
        if name in seen:
            continue
        seen.add(name)
        params.append(
            Param(
                name,
                variable,
                kind or "string",
                len(underscores) == 2,
                str(described.get(name, "")),
                str(defaults[name]) if name in defaults else None,
            )
        )
    return StoredQuery(
        path.stem,
        path,
        group,
        text,
        str(header["summary"]).strip(),
        str(header.get("description", "")).strip(),
        list(header.get("tags") or []),
        params,
    )


def load_catalogue(queries_dir: Path, group: str = "questions") -> dict[str, StoredQuery]:
    out = {}
    for path in sorted((queries_dir / group).rglob("*.rq")):
        query = parse_query_file(path, group, str(path.relative_to(queries_dir.parent)))
        if query.name in out:
            raise UsageError(
                f"two stored queries are named {query.name!r}",
                place=str(path),
                remedy="rename one of the files",
            )
        out[query.name] = query
    return out


def find_query(catalogue: dict[str, StoredQuery], name: str) -> StoredQuery:
    if name in catalogue:
        return catalogue[name]
    close = difflib.get_close_matches(name, sorted(catalogue), n=3, cutoff=0.4)
    hint = f"did you mean {', '.join(close)}?" if close else "run 'rekg queries' to list them"
    raise UsageError(f"no stored query named {name!r}", remedy=hint)
