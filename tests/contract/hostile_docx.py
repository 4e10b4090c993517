"""Hostile DOCX documents built by hand: each links a file of the server or a URL the way
Word does, so that the tests can check that the conversion reads and fetches none of them."""

import io
import struct
import zipfile
import zlib

from docx import Document

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
R_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def png(width=64, height=64, rgb=(255, 0, 0)):
    """A plain PNG image of one colour."""
    row = b"\x00" + bytes(rgb) * width
    raw = zlib.compress(row * height)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def base_docx(text="Visible text"):
    document = Document()
    document.add_paragraph(text)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def hostile_docx(body_xml, rels=(), parts=None, content_types=(), text="Visible text"):
    """A DOCX with ``body_xml`` added at the end of its body, ``rels`` (``(id, type, target,
    external)``) added to the document's relationships, ``parts`` (name: bytes) added to the
    package and ``content_types`` (``Default``/``Override`` XML) declared."""
    source = zipfile.ZipFile(io.BytesIO(base_docx(text)))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info).decode() if info.filename.endswith((".xml", ".rels")) else source.read(info)
            if info.filename == "word/document.xml":
                data = data.replace("<w:sectPr", body_xml + "<w:sectPr", 1)
            elif info.filename == "word/_rels/document.xml.rels":
                added = "".join(
                    f'<Relationship Id="{rel_id}" Type="{REL}/{rel_type}" Target="{target_}"'
                    + (' TargetMode="External"' if external else "")
                    + "/>"
                    for rel_id, rel_type, target_, external in rels
                )
                data = data.replace("</Relationships>", added + "</Relationships>")
            elif info.filename == "[Content_Types].xml":
                data = data.replace("</Types>", "".join(content_types) + "</Types>")
            target.writestr(info, data)
        for name, data in (parts or {}).items():
            target.writestr(name, data)
    return output.getvalue()


def linked_image(url):
    """An image linked (not embedded) to ``url``, as Word writes it: ``a:blip r:link``."""
    drawing = (
        '<w:p><w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing">'
        '<wp:extent cx="914400" cy="914400"/><wp:docPr id="99" name="Linked"/>'
        '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
        '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        '<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        '<pic:nvPicPr><pic:cNvPr id="99" name="linked.png"/><pic:cNvPicPr/></pic:nvPicPr>'
        '<pic:blipFill><a:blip r:link="rIdHostile"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
        '<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="914400" cy="914400"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>'
        "</a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"
    )
    return hostile_docx(drawing, rels=[("rIdHostile", "image", url, True)])


def field(instruction, result="cached result", simple=False):
    """A paragraph holding the field ``instruction``, simple (``w:fldSimple``) or complex."""
    if simple:
        return f'<w:p><w:fldSimple w:instr="{instruction}"><w:r><w:t>{result}</w:t></w:r></w:fldSimple></w:p>'
    return (
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        f"<w:r><w:t>{result}</w:t></w:r>"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )


def field_docx(instruction, simple=False):
    return hostile_docx(field(instruction, simple=simple))


def altchunk_docx(html):
    """An ``altChunk``: an HTML part imported into the document as it is."""
    return hostile_docx(
        '<w:altChunk r:id="rIdChunk"/>',
        rels=[("rIdChunk", "aFChunk", "/word/chunk.html", False)],
        parts={"word/chunk.html": html.encode()},
        content_types=['<Override PartName="/word/chunk.html" ContentType="text/html"/>'],
    )


def subdoc_docx(url):
    """A master document whose sub-document is the file at ``url``."""
    return hostile_docx('<w:p><w:subDoc r:id="rIdSub"/></w:p>', rels=[("rIdSub", "subDocument", url, True)])
