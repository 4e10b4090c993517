"""Cleaning of a DOCX document before any conversion: it may read or fetch nothing.

A DOCX can make LibreOffice read a file of the server or fetch a URL while it converts:
a relationship with ``TargetMode="External"`` (a linked image, an attached template, a
sub-document, a mail-merge data source, a linked OLE object), a field that includes or
links other content (``INCLUDEPICTURE``, ``INCLUDETEXT``, ``LINK``, ``DDE``...), an
``altChunk`` (a part in another format imported as is: HTML with its own links), a macro
project. :func:`clean_docx` removes all of them and says what it removed. Hyperlinks stay:
nothing follows them during a conversion.
"""

import io
import posixpath
import zipfile
from collections import Counter

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
VML_NAMESPACES = ("urn:schemas-microsoft-com:vml", "urn:schemas-microsoft-com:office:office")

#: Fields that include or link other content (the first word of their instruction).
LINKING_FIELDS = frozenset({"INCLUDEPICTURE", "INCLUDETEXT", "INCLUDE", "LINK", "DDE", "DDEAUTO", "IMPORT", "DATABASE"})
#: Elements removed whole (with what they hold) when they refer to a removed relationship.
_REMOVED_WITH_REFERENCE = {
    f"{{{W}}}altChunk",
    f"{{{W}}}subDoc",
    f"{{{W}}}attachedTemplate",
    f"{{{W}}}dataSource",
    f"{{{W}}}headerSource",
    f"{{{W}}}sourceFileName",
    "{urn:schemas-microsoft-com:office:office}OLEObject",
}
#: Elements removed wherever they are.
_REMOVED_ELEMENTS = {
    f"{{{W}}}altChunk": "altchunk",
    f"{{{W}}}subDoc": "subdocument",
    f"{{{W}}}mailMerge": "mailmerge",
}
#: Relationship types (their last segment) whose targets are removed, internal or not.
_REMOVED_TYPES = {"aFChunk": "altchunk", "subDocument": "subdocument", "vbaProject": "macros"}
#: Attributes of VML shapes that name a file or a URL directly.
_VML_LINK_ATTRIBUTES = ("href", "src", "{urn:schemas-microsoft-com:office:office}href")
#: The most bytes the parts of a document may hold once unpacked (a "zip bomb" is refused).
MAX_UNPACKED_BYTES = 200 * 1024 * 1024


class DocxCleanError(Exception):
    """Not a DOCX document that can be cleaned (not a zip, a broken part, too large unpacked)."""


def clean_docx(data):
    """``(cleaned bytes, removed)`` of the DOCX ``data``: ``removed`` is a sorted list of
    ``(kind, detail, count)``, kind one of ``external`` (a linked file or URL; detail: the
    relationship's type), ``field`` (detail: the field's name), ``altchunk``, ``subdocument``,
    ``mailmerge``, ``macros``. Nothing removed gives back ``data`` itself.

    :raises DocxCleanError: see the class
    """
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        infos = package.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise DocxCleanError(str(error)) from error
    if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
        raise DocxCleanError("too large once unpacked")
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names or "mimetype" in names:
        # LibreOffice would recognise another format (an OpenDocument) in it
        raise DocxCleanError("not an Office Open XML package")
    try:
        parts = {info.filename: package.read(info) for info in infos}
    except (zipfile.BadZipFile, ValueError, OSError, NotImplementedError) as error:
        raise DocxCleanError(str(error)) from error
    removed = Counter()
    changed = set()
    dropped_parts = set()
    # 1. relationships: the external ones (hyperlinks aside) and those of removed kinds
    dropped_ids = {}
    for name in sorted(names):
        if not name.endswith(".rels"):
            continue
        root = _parse(parts[name], name)
        source = _rels_source(name)
        for rel in list(root):
            rel_type = (rel.get("Type") or "").rsplit("/", 1)[-1]
            external = (rel.get("TargetMode") or "").lower() == "external"
            kind = _REMOVED_TYPES.get(rel_type)
            if rel_type == "hyperlink" or not (external or kind):
                continue
            root.remove(rel)
            dropped_ids.setdefault(source, set()).add(rel.get("Id"))
            removed["external", rel_type] += 1 if external and not kind else 0
            if kind:
                removed[kind, ""] += 1
                if not external:
                    dropped_parts.add(_resolve(source, rel.get("Target") or ""))
        if dropped_ids.get(source):
            parts[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            changed.add(name)
    # 2. the XML parts: references to removed relationships, linking fields, altChunk...
    for name in sorted(names):
        if not name.endswith(".xml") or name == "[Content_Types].xml" or name in dropped_parts:
            continue
        data_part = parts[name]
        if b"<" not in data_part:
            continue
        root = _parse(data_part, name)
        if _clean_part(root, dropped_ids.get(name, set()), removed):
            parts[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            changed.add(name)
    # 3. the parts no longer used, and their content types
    if dropped_parts:
        root = _parse(parts["[Content_Types].xml"], "[Content_Types].xml")
        for override in root.findall(f"{{{CONTENT_TYPES}}}Override"):
            if (override.get("PartName") or "").lstrip("/") in dropped_parts:
                root.remove(override)
        parts["[Content_Types].xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        changed.add("[Content_Types].xml")
    removed = sorted((kind, detail, count) for (kind, detail), count in removed.items() if count)
    if not removed and not changed and not dropped_parts:
        return data, []
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as cleaned:
        for info in infos:
            if info.filename in dropped_parts:
                continue
            cleaned.writestr(info.filename, parts[info.filename])
    return output.getvalue(), removed


def _parse(data, name):
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_blank_text=False)
    try:
        return etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as error:
        raise DocxCleanError(f"{name}: {error}") from error


def _rels_source(rels_name):
    """``word/_rels/document.xml.rels`` -> ``word/document.xml``."""
    folder, file_name = posixpath.split(rels_name)
    return posixpath.join(posixpath.dirname(folder), file_name[: -len(".rels")])


def _resolve(source, target):
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def _clean_part(root, dropped_ids, removed):
    """Clean one XML part in place; True when it changed."""
    changed = False
    # references to removed relationships: the element when it is only a reference, else the attribute
    if dropped_ids:
        for element in list(root.iter()):
            references = [
                attribute
                for attribute, value in element.attrib.items()
                if attribute.startswith(f"{{{R}}}") and value in dropped_ids
            ]
            if not references:
                continue
            changed = True
            if element.tag in _REMOVED_WITH_REFERENCE and element.getparent() is not None:
                element.getparent().remove(element)
                continue
            for attribute in references:
                del element.attrib[attribute]
    for tag, kind in _REMOVED_ELEMENTS.items():
        for element in list(root.iter(tag)):
            if element.getparent() is not None:
                element.getparent().remove(element)
                removed[kind, ""] += 1 if kind == "mailmerge" else 0
                changed = True
    # VML shapes naming a file or URL directly
    for element in root.iter():
        if not isinstance(element.tag, str) or not element.tag.startswith(tuple(f"{{{ns}}}" for ns in VML_NAMESPACES)):
            continue
        for attribute in _VML_LINK_ATTRIBUTES:
            if element.get(attribute):
                del element.attrib[attribute]
                removed["external", "vml"] += 1
                changed = True
    return _clean_fields(root, removed) or changed


def _field_name(instruction):
    words = instruction.strip().split(None, 1)
    return words[0].upper() if words else ""


def _clean_fields(root, removed):
    """Remove the linking fields: simple ones (``w:fldSimple``) with their result, complex ones
    (``w:fldChar`` begin ... ``w:instrText`` ... end, over several runs and paragraphs) from
    their first run to their last."""
    changed = False
    for field in list(root.iter(f"{{{W}}}fldSimple")):
        name = _field_name(field.get(f"{{{W}}}instr") or "")
        if name in LINKING_FIELDS and field.getparent() is not None:
            field.getparent().remove(field)
            removed["field", name] += 1
            changed = True
    stack = []  # open fields: [runs, instruction, separated]
    doomed = []
    for run in list(root.iter(f"{{{W}}}r")):
        chars = [child for child in run if child.tag == f"{{{W}}}fldChar"]
        kind = chars[0].get(f"{{{W}}}fldCharType") if chars else None
        if kind == "begin":
            stack.append([[], [], False])
        if stack:
            stack[-1][0].append(run)
            if not stack[-1][2]:
                for child in run:
                    if child.tag in (f"{{{W}}}instrText", f"{{{W}}}delInstrText"):
                        stack[-1][1].append(child.text or "")
        if kind == "separate" and stack:
            stack[-1][2] = True
        elif kind == "end" and stack:
            runs, instruction, _separated = stack.pop()
            name = _field_name("".join(instruction))
            if name in LINKING_FIELDS:
                doomed.extend(runs)
                removed["field", name] += 1
            elif stack:
                stack[-1][0].extend(runs)
    for runs, instruction, _separated in stack:  # never ended: judged on what it says
        name = _field_name("".join(instruction))
        if name in LINKING_FIELDS:
            doomed.extend(runs)
            removed["field", name] += 1
    for run in doomed:
        if run.getparent() is not None:
            run.getparent().remove(run)
            changed = True
    return changed
