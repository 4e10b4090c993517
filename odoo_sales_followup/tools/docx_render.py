"""Rendering of a DOCX contract template with docxtpl, in a sandbox.

The template receives plain prepared values (strings, numbers, lists of dicts), never
records, so that it cannot call a method. Jinja runs sandboxed
(``SandboxedEnvironment``: no ``__globals__``, no private attributes) with
autoescaping on, so that an ``&`` or ``<Co>`` in a customer's name is written as text
instead of disappearing or becoming XML, and with ``StrictUndefined``, so that an
unknown placeholder is an error naming it rather than an empty gap in a contract.
"""

import io
import re
import zipfile

from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, nodes
from jinja2.exceptions import SecurityError, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

_TAG = re.compile(r"<[^>]+>")


class TemplateRenderError(Exception):
    """A template that cannot be rendered.

    ``kind``: ``invalid`` (not a DOCX file), ``syntax``, ``undefined`` (an unknown
    placeholder, named in ``name``), ``security`` (the sandbox refused an attribute) or
    ``error``; ``line`` and ``text``: the paragraph of the error when Jinja knows it.
    """

    def __init__(self, kind, detail, name=None, line=None, text=None):
        super().__init__(detail)
        self.kind = kind
        self.detail = detail
        self.name = name
        self.line = line
        self.text = text


def make_environment():
    """The sandboxed, autoescaping Jinja environment contracts are rendered in."""
    return SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)


def _load(data):
    if not data or not zipfile.is_zipfile(io.BytesIO(data)):
        raise TemplateRenderError("invalid", "not a DOCX file")
    try:
        template = DocxTemplate(io.BytesIO(data))
        template.init_docx()
    except Exception as error:  # python-docx raises several kinds on a broken package
        raise TemplateRenderError("invalid", str(error)) from error
    return template


def _template_source(template):
    """The Jinja source of the body, headers and footers, as docxtpl renders them."""
    sources = [template.patch_xml(template.get_xml())]
    for uri in (template.HEADER_URI, template.FOOTER_URI):
        for rel in template.docx._part.rels.values():
            if rel.reltype == uri and rel.target_part.blob:
                sources.append(template.patch_xml(rel.target_part.blob.decode("utf-8", errors="replace")))
    return [re.sub(r"<w:p([ >])", r"\n<w:p\1", source) for source in sources]


def _line_text(source, lineno):
    lines = source.splitlines()
    if not lineno or lineno > len(lines):
        return None
    return " ".join(_TAG.sub("", lines[lineno - 1]).split())[:200] or None


def template_fields(data):
    """``(names, attributes)`` the template uses: the top-level names (``customer``) and the
    ``(name, attribute)`` pairs (``("customer", "inn")``), so that a check can list exactly
    the data a template needs. Loop variables are included, harmlessly.

    :raises TemplateRenderError: not a DOCX file, or a syntax error (with its paragraph)
    """
    template = _load(data)
    env = make_environment()
    names, attributes = set(), set()
    for source in _template_source(template):
        try:
            tree = env.parse(source)
        except TemplateSyntaxError as error:
            raise TemplateRenderError(
                "syntax", error.message or str(error), line=error.lineno, text=_line_text(source, error.lineno)
            ) from error
        for node in tree.find_all(nodes.Name):
            names.add(node.name)
        for node in tree.find_all(nodes.Getattr):
            if isinstance(node.node, nodes.Name):
                attributes.add((node.node.name, node.attr))
    return names, attributes


def render_docx(data, context):
    """The DOCX bytes of the template ``data`` rendered with ``context`` (plain values).

    :raises TemplateRenderError: see the class
    """
    template = _load(data)
    env = make_environment()
    try:
        template.render(context, jinja_env=env, autoescape=True)
    except TemplateSyntaxError as error:
        source = error.source or ""
        raise TemplateRenderError(
            "syntax", error.message or str(error), line=error.lineno, text=_line_text(source, error.lineno)
        ) from error
    except SecurityError as error:
        raise TemplateRenderError("security", str(error)) from error
    except UndefinedError as error:
        match = re.search(r"'([^']+)' (?:is undefined|has no attribute '([^']+)')", str(error))
        name = None
        if match:
            name = f"{match.group(1)}.{match.group(2)}" if match.group(2) else match.group(1)
        raise TemplateRenderError("undefined", str(error), name=name) from error
    except TemplateError as error:
        raise TemplateRenderError("error", str(error)) from error
    except (TypeError, ValueError, AttributeError) as error:
        raise TemplateRenderError("error", str(error)) from error
    output = io.BytesIO()
    template.save(output)
    return output.getvalue()


def docx_text(data):
    """The text of a DOCX document: its paragraphs and table cells, one per line."""
    from docx import Document

    document = Document(io.BytesIO(data))
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(lines)
