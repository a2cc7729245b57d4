"""Reading the hand-written files (claim files, source texts, reference tables, the cue
lexicon) so that whatever is wrong with their bytes is refused with the file, the line and
what to do, never a traceback: a byte that is not UTF-8, a YAML syntax error, a YAML tag,
anchors that expand without end. YAML goes through libyaml's parser where it is installed
(a 50 MB comment: 1 s, against over a minute for the pure-Python one)."""

from pathlib import Path

import yaml

from rekg.core.errors import InputSyntaxError, decode_utf8

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CORE_TAGS = "tag:yaml.org,2002:"
# aliases are shared, not copied, when loaded; what reads the values (str() of a field,
# a loop over a list) walks them copied. A file whose aliases expand far beyond what is
# written would take that walk forever ("billion laughs"), so it is refused.
MAX_EXPANSION = 100_000


def read_bytes(path: Path, display: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputSyntaxError(
            f"cannot read: {exc.strerror or exc}",
            place=display,
            remedy="check that the file exists and is readable",
        ) from None


def read_text(path: Path, display: str, remedy: str | None = None) -> str:
    """The file's text; InputSyntaxError naming the first byte that is not UTF-8."""
    return decode_utf8(read_bytes(path, display), display, remedy)


def load_yaml(path: Path, display: str, what: str = "the file"):
    """(root node, document) of a YAML file: the nodes carry the lines (for findings), the
    document the values. Only YAML's plain values are read (strings, numbers, true/false,
    null, lists, mappings); a tag for anything else is refused, never constructed."""
    return parse_yaml(read_text(path, display), display, what)


def parse_yaml(text: str, display: str, what: str = "the file"):
    loader = None
    try:
        loader = LOADER(text)  # the pure-Python reader checks the characters here
        root = loader.get_single_node()
        if root is None:
            return None, None
        _check_expansion(root, display)
        return root, loader.construct_document(root)
    except yaml.MarkedYAMLError as exc:
        raise _marked_error(exc, display, what) from None
    except yaml.reader.ReaderError as exc:
        raise _reader_error(exc, text, display) from None
    except RecursionError:
        # the pure-Python parser recurses per level; libyaml stops at 1000 levels itself
        raise InputSyntaxError(
            "YAML nested too deeply to read",
            place=display,
            remedy=f"flatten the lists and mappings of {what}",
        ) from None
    except yaml.YAMLError as exc:
        raise InputSyntaxError(
            f"YAML syntax error: {exc}",
            place=display,
            remedy=f"correct the YAML of {what}",
        ) from None
    finally:
        if loader is not None:
            loader.dispose()


def _marked_error(exc: yaml.MarkedYAMLError, display: str, what: str) -> InputSyntaxError:
    mark = exc.problem_mark or exc.context_mark
    place = f"{display}:{mark.line + 1}:{mark.column + 1}" if mark else display
    problem = str(exc.problem or exc.context or exc)
    if isinstance(exc, yaml.constructor.ConstructorError) and "for the tag" in problem:
        tag = problem.rsplit("for the tag ", 1)[-1].strip("'")
        tag = "!!" + tag[len(_CORE_TAGS) :] if tag.startswith(_CORE_TAGS) else tag
        return InputSyntaxError(
            f"YAML tag {tag} is not allowed: {what} holds plain values (text, numbers, "
            "true/false, lists and mappings), and a tag is never constructed or run",
            place=place,
            remedy="remove the tag; if the value is text that starts with '!', put it in quotes",
        )
    return InputSyntaxError(
        f"YAML syntax error: {problem}",
        place=place,
        remedy="correct the YAML at that position (indentation, quotes, colons)",
    )


def _reader_error(exc, text: str, display: str) -> InputSyntaxError:
    """A character YAML does not allow (a control character such as NUL)."""
    at = exc.position if isinstance(exc.position, int) else 0
    if LOADER is not yaml.SafeLoader:
        # libyaml counts the bytes of the UTF-8 text, the pure-Python reader its characters
        at = len(text.encode("utf-8")[:at].decode("utf-8", errors="ignore"))
    line = text.count("\n", 0, at) + 1
    column = at - (text.rfind("\n", 0, at) + 1) + 1
    code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "?")
    return InputSyntaxError(
        f"character U+{code:04X} is not allowed in YAML",
        place=f"{display}:{line}:{column}",
        remedy="remove the character (control characters other than tab and newline "
        "cannot be written in YAML; write it as an escape such as \\t inside double quotes)",
    )


def _check_expansion(root, display: str) -> None:
    """Refuse a document whose aliases expand to more than MAX_EXPANSION values, or that
    holds itself (each distinct node is sized once: this costs what the file holds, not
    what it expands to)."""
    size: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        kids = _children(node)
        if children_done:
            open_nodes.discard(id(node))
            size[id(node)] = 1 + sum(size[id(k)] for k in kids)
            if size[id(node)] > MAX_EXPANSION:
                raise _alias_error(node, display, f"expand to over {MAX_EXPANSION:,} values")
            continue
        if id(node) in size:
            continue
        if id(node) in open_nodes:
            raise _alias_error(node, display, "refer to a value from inside itself")
        open_nodes.add(id(node))
        stack.append((node, True))
        stack.extend((k, False) for k in kids if id(k) not in size)


def _alias_error(node, display: str, what: str) -> InputSyntaxError:
    mark = node.start_mark
    return InputSyntaxError(
        f"the YAML aliases here {what}",
        place=f"{display}:{mark.line + 1}:{mark.column + 1}",
        remedy="write the values out instead of aliases (*name) of anchors (&name) that "
        "hold aliases themselves",
    )


def _children(node) -> list:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []
