"""One report format for every check: SHACL, SPARQL checks, Python checks, authoring errors."""

from dataclasses import dataclass, field

from rekg.core.namespaces import PREFIXES

_DISPLAY = {
    **PREFIXES,
    "rekgsh": "https://w3id.org/rekg/shapes#",
    "sh": "http://www.w3.org/ns/shacl#",
}


@dataclass(frozen=True, order=True)
class Finding:
    place: str  # file:line where the focus node is written
    focus: str  # the node the problem is about
    path: str  # the property, or "" when the node as a whole is at fault
    message: str
    check: str = ""  # which shape or check found it
    severity: str = "Violation"
    # the statements behind the problem, each "file:line: what is written there"
    because: tuple[str, ...] = ()


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        return not any(f.severity == "Violation" for f in self.findings)

    def extend(self, findings):
        self.findings.extend(findings)

    def render(self) -> str:
        lines = []
        for f in sorted(set(self.findings)):
            lines.append(f"{f.severity}: {f.place}")
            lines.append(f"  focus:   {f.focus}")
            if f.path:
                lines.append(f"  path:    {f.path}")
            lines.append(f"  message: {f.message}")
            lines.extend(f"  because: {line}" for line in f.because)
            if f.check:
                lines.append(f"  check:   {f.check}")
        count = len(set(self.findings))
        verdict = "conforms" if self.conforms else f"{count} problem{'s' * (count != 1)} found"
        lines.append(f"Checked {', '.join(self.checked) or 'nothing'}: {verdict}.")
        return "\n".join(lines)


def short(term) -> str:
    """A prefixed name for display, the full IRI when no prefix fits."""
    text = str(term)
    best = ""
    for prefix, ns in _DISPLAY.items():
        if text.startswith(ns) and len(ns) > len(_DISPLAY.get(best, "")):
            best = prefix
    if best:
        local = text[len(_DISPLAY[best]) :]
        if local and all(c.isalnum() or c in "-_./" for c in local):
            return f"{best}:{local}"
    return f"<{text}>" if text.startswith(("http:", "https:", "urn:")) else text
