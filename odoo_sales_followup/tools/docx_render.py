"""Rendering of a DOCX contract template with docxtpl, in a sandbox.

The template receives plain prepared values (strings, numbers, lists of dicts), never
records, so that it cannot call a method. Jinja runs sandboxed
(``SandboxedEnvironment``: no ``__globals__``, no private attributes) with
autoescaping on, so that an ``&`` or ``<Co>`` in a customer's name is written as text
instead of disappearing or becoming XML, and with ``StrictUndefined``, so that an
unknown placeholder is an error naming it rather than an empty gap in a contract.

Rendering is bounded (:class:`RenderLimits`): the output may not grow past
``MAX_OUTPUT_CHARS`` nor take longer than ``MAX_SECONDS``. The output is produced chunk
by chunk and measured as it grows; every loop, call, attribute and operation checks the
deadline, and the operations that multiply a size (``*``, ``**``, ``%``, a width passed
to a filter or a method) are refused before they run when their result would be too large.
"""

import io
import operator
import re
import time
import zipfile

from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, nodes
from jinja2.exceptions import SecurityError, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment, safe_range

_TAG = re.compile(r"<[^>]+>")
#: The most characters a rendered document (its XML, all parts together) may have.
MAX_OUTPUT_CHARS = 1_000_000
#: The most seconds a rendering may take.
MAX_SECONDS = 5
#: A format width of 7 digits and more, or given by an argument, may build a string past the limit.
_WIDE_PERCENT = re.compile(r"%[-#0 +]*(?:\*|\d{7,})")
_WIDE_BRACE = re.compile(r"\{[^{}]*:[^{}]*(?:\d{7,}|\{)")


class TemplateRenderError(Exception):
    """A template that cannot be rendered.

    ``kind``: ``invalid`` (not a DOCX file), ``syntax``, ``undefined`` (an unknown
    placeholder, named in ``name``), ``security`` (the sandbox refused an attribute),
    ``size`` (the output past ``MAX_OUTPUT_CHARS``: ``detail`` is the limit), ``time``
    (past ``MAX_SECONDS``: ``detail`` is the limit) or ``error`` (any other error while
    rendering: ``detail`` is its type and message); ``line`` and ``text``: the paragraph of
    the error when Jinja knows it.
    """

    def __init__(self, kind, detail, name=None, line=None, text=None):
        super().__init__(detail)
        self.kind = kind
        self.detail = detail
        self.name = name
        self.line = line
        self.text = text


class RenderLimitError(Exception):
    """A rendering past its limits; ``kind`` is ``size`` or ``time``, ``limit`` the limit."""

    def __init__(self, kind, limit):
        super().__init__(f"{kind} limit {limit} exceeded")
        self.kind = kind
        self.limit = limit


class RenderLimits:
    """The output size and the deadline of one rendering, shared by all its parts."""

    def __init__(self, max_chars=MAX_OUTPUT_CHARS, seconds=MAX_SECONDS):
        self.max_chars = max_chars
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds
        self.size = 0

    def tick(self):
        if time.monotonic() > self.deadline:
            raise RenderLimitError("time", self.seconds)

    def grow(self, chars):
        self.size += chars
        if self.size > self.max_chars:
            raise RenderLimitError("size", self.max_chars)
        self.tick()

    def check_size(self, chars):
        """Refuse before building a value of ``chars`` characters or items."""
        if chars > self.max_chars:
            raise RenderLimitError("size", self.max_chars)


class _LimitedTemplate(SandboxedEnvironment.template_class):
    """Renders chunk by chunk, measuring the output as it grows."""

    def render(self, *args, **kwargs):
        limits = self.environment.limits
        context = self.new_context(dict(*args, **kwargs))
        chunks = []
        try:
            for chunk in self.root_render_func(context):
                limits.grow(len(chunk))
                chunks.append(chunk)
        except Exception:  # Jinja rewrites the traceback to the template's lines, and raises
            self.environment.handle_exception()
        return self.environment.concat(chunks)


class LimitedSandbox(SandboxedEnvironment):
    """The sandbox with the limits of :class:`RenderLimits`; ``sources`` keeps the source of
    each part rendered, so that an error names its paragraph."""

    template_class = _LimitedTemplate
    intercepted_binops = frozenset({"*", "**", "%"})

    def __init__(self, limits=None, **options):
        super().__init__(**options)
        self.limits = limits or RenderLimits()
        self.sources = []
        self.filters = {name: self._limit_filter(name, func) for name, func in self.filters.items()}
        self.filters["osf_limited"] = self._limited_iter
        self.globals["range"] = self._limited_range

    def _parse(self, source, name, filename):
        tree = super()._parse(source, name, filename)
        # every loop checks the deadline at each turn, whatever it iterates over
        for loop in tree.find_all(nodes.For):
            loop.iter = nodes.Filter(loop.iter, "osf_limited", [], [], None, None, lineno=loop.lineno)
        return tree

    def from_string(self, source, *args, **kwargs):
        self.sources.append(source if isinstance(source, str) else "")
        return super().from_string(source, *args, **kwargs)

    def _limited_iter(self, iterable):
        for item in iterable:
            self.limits.tick()
            yield item

    def _limited_range(self, *args):
        self._check_arguments(args)
        return self._limited_iter(safe_range(*args))

    def _check_arguments(self, args, kwargs=None):
        """A number past the size limit given to a call or a filter (a width, a count) is refused."""
        self.limits.tick()
        for value in (*args, *(kwargs or {}).values()):
            if isinstance(value, int) and not isinstance(value, bool):
                self.limits.check_size(abs(value))

    def _check_format(self, text, pattern):
        if isinstance(text, str) and pattern.search(text):
            self.limits.check_size(self.limits.max_chars + 1)

    def _limit_filter(self, name, func):
        # a filter that asks for the context or the environment gets it first, then its value
        passed = 1 if getattr(func, "jinja_pass_arg", None) else 0

        def limited(*args, **kwargs):
            self._check_arguments(args[passed + 1 :], kwargs)
            if name == "format" and len(args) > passed:
                self._check_format(args[passed], _WIDE_PERCENT)
            return func(*args, **kwargs)

        if passed:
            limited.jinja_pass_arg = func.jinja_pass_arg
        return limited

    # Jinja's signature: a keyword argument of the template may be called "self"
    def call(__self, __context, __obj, *args, **kwargs):
        __self._check_arguments(args, kwargs)
        if getattr(__obj, "__name__", "") in ("format", "format_map"):
            __self._check_format(getattr(__obj, "__self__", None), _WIDE_BRACE)
        return super().call(__context, __obj, *args, **kwargs)

    def getattr(self, obj, attribute):
        self.limits.tick()
        return super().getattr(obj, attribute)

    def getitem(self, obj, argument):
        self.limits.tick()
        return super().getitem(obj, argument)

    def call_binop(self, context, operator_name, left, right):
        self.limits.tick()
        if operator_name == "*":
            for value, times in ((left, right), (right, left)):
                if isinstance(times, int) and hasattr(value, "__len__"):
                    self.limits.check_size(len(value) * times)
        elif operator_name == "**":
            if isinstance(left, int) and isinstance(right, int):
                self.limits.check_size(abs(right) * max(abs(left), 2).bit_length() // 3)
        elif operator_name == "%":
            self._check_format(left, _WIDE_PERCENT)
        return {"*": operator.mul, "**": operator.pow, "%": operator.mod}[operator_name](left, right)


def make_environment(limits=None):
    """The sandboxed, autoescaping, limited Jinja environment contracts are rendered in."""
    return LimitedSandbox(limits=limits, autoescape=True, undefined=StrictUndefined)


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


def _error_line(error, env):
    """``(line, text)`` of the template where ``error`` was raised, when Jinja knows it."""
    line = None
    trace = error.__traceback__
    while trace:
        if trace.tb_frame.f_code.co_filename == "<template>":
            line = trace.tb_lineno
        trace = trace.tb_next
    if not line or not env.sources:
        return None, None
    return line, _line_text(env.sources[-1], line)


def render_docx(data, context, limits=None):
    """The DOCX bytes of the template ``data`` rendered with ``context`` (plain values),
    within ``limits`` (default: :class:`RenderLimits`).

    :raises TemplateRenderError: see the class; every error of the rendering becomes one
    """
    template = _load(data)
    env = make_environment(limits)
    try:
        template.render(context, jinja_env=env, autoescape=True)
    except TemplateSyntaxError as error:
        source = error.source or ""
        raise TemplateRenderError(
            "syntax", error.message or str(error), line=error.lineno, text=_line_text(source, error.lineno)
        ) from error
    except SecurityError as error:
        raise TemplateRenderError("security", str(error), *_error_line(error, env)) from error
    except UndefinedError as error:
        match = re.search(r"'([^']+)' (?:is undefined|has no attribute '([^']+)')", str(error))
        name = None
        if match:
            name = f"{match.group(1)}.{match.group(2)}" if match.group(2) else match.group(1)
        raise TemplateRenderError("undefined", str(error), name, *_error_line(error, env)) from error
    except RenderLimitError as error:
        raise TemplateRenderError(error.kind, str(error.limit), None, *_error_line(error, env)) from error
    except TemplateError as error:
        raise TemplateRenderError("error", str(error), None, *_error_line(error, env)) from error
    except Exception as error:  # any error of the template's own code (IndexError, OverflowError...)
        detail = f"{type(error).__name__}: {error}"
        raise TemplateRenderError("error", detail, None, *_error_line(error, env)) from error
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
