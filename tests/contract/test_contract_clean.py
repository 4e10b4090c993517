import http.server
import io
import os
import shutil
import subprocess
import tempfile
import threading
import zipfile

from odoo.tests import BaseCase, tagged

from ...odoo_sales_followup.tools import office
from ...odoo_sales_followup.tools.docx_clean import DocxCleanError, clean_docx
from . import hostile_docx as hostile


class _Listener(http.server.ThreadingHTTPServer):
    """A web server on 127.0.0.1 that records every request and answers with a picture or a text."""

    def __init__(self):
        self.requests = []
        listener = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self):
                listener.requests.append((self.command, self.path))
                body = hostile.png() if self.path.endswith(".png") else b"HTTP-SECRET-TEXT"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            do_GET = do_HEAD = do_OPTIONS = do_POST = do_PROPFIND = _answer

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}"


@tagged("post_install", "-at_install", "sales_followup_contract")
class TestContractDocxClean(BaseCase):
    """What :func:`clean_docx` removes, and what it leaves."""

    def _parts(self, data):
        package = zipfile.ZipFile(io.BytesIO(data))
        return {name: package.read(name) for name in package.namelist()}

    def test_linked_image_loses_its_link_not_the_text(self):
        cleaned, removed = clean_docx(hostile.linked_image("file:///etc/passwd"))
        self.assertEqual(removed, [("external", "image", 1)])
        parts = self._parts(cleaned)
        self.assertNotIn(b"/etc/passwd", parts["word/_rels/document.xml.rels"])
        self.assertNotIn(b'r:link="rIdHostile"', parts["word/document.xml"])
        self.assertIn(b"Visible text", parts["word/document.xml"])

    def test_linking_fields_simple_and_complex(self):
        for name in ("INCLUDETEXT", "INCLUDEPICTURE", "LINK", "DDE", "DDEAUTO", "IMPORT", "includetext"):
            for simple in (True, False):
                instruction = f"{name} &quot;/etc/passwd&quot;" if simple else f'{name} "/etc/passwd"'
                cleaned, removed = clean_docx(hostile.field_docx(instruction, simple=simple))
                self.assertEqual(removed, [("field", name.upper(), 1)], (name, simple))
                document = self._parts(cleaned)["word/document.xml"]
                self.assertNotIn(b"/etc/passwd", document, (name, simple))
                self.assertNotIn(b"cached result", document, (name, simple))
                self.assertIn(b"Visible text", document)

    def test_field_nested_in_a_harmless_field_and_harmless_fields_stay(self):
        nested = hostile.hostile_docx(
            '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> IF 1 = 1 "</w:instrText></w:r>'
            + hostile.field('INCLUDETEXT "/etc/passwd"')[5:-6]
            + '<w:r><w:instrText>" "no"</w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
            + hostile.field("PAGE", result="page number")
        )
        cleaned, removed = clean_docx(nested)
        self.assertEqual(removed, [("field", "INCLUDETEXT", 1)])
        document = self._parts(cleaned)["word/document.xml"]
        self.assertNotIn(b"/etc/passwd", document)
        self.assertIn(b"page number", document)

    def test_altchunk_and_its_part_removed(self):
        cleaned, removed = clean_docx(hostile.altchunk_docx("<p>ALTCHUNK</p>"))
        self.assertEqual(removed, [("altchunk", "", 1)])
        parts = self._parts(cleaned)
        self.assertNotIn("word/chunk.html", parts)
        self.assertNotIn(b"altChunk", parts["word/document.xml"])
        self.assertNotIn(b"chunk.html", parts["[Content_Types].xml"])

    def test_subdocument_removed(self):
        cleaned, removed = clean_docx(hostile.subdoc_docx("file:///tmp/other.docx"))
        self.assertEqual(removed, [("subdocument", "", 1)])
        parts = self._parts(cleaned)
        self.assertNotIn(b"subDoc", parts["word/document.xml"])
        self.assertNotIn(b"other.docx", parts["word/_rels/document.xml.rels"])

    def test_hyperlinks_and_plain_documents_untouched(self):
        plain = hostile.base_docx()
        self.assertEqual(clean_docx(plain), (plain, []))
        linked = hostile.hostile_docx(
            '<w:p><w:hyperlink r:id="rIdWeb"><w:r><w:t>our site</w:t></w:r></w:hyperlink></w:p>',
            rels=[("rIdWeb", "hyperlink", "https://example.com", True)],
        )
        self.assertEqual(clean_docx(linked), (linked, []))

    def test_what_is_not_a_docx_is_refused(self):
        bomb = io.BytesIO()
        with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as package:
            package.writestr("[Content_Types].xml", "<Types/>")
            package.writestr("word/big.bin", b"\0" * (201 * 1024 * 1024))
        for data in (b"", b"plain text", bomb.getvalue()):
            with self.assertRaises(DocxCleanError):
                clean_docx(data)


@tagged("post_install", "-at_install", "sales_followup_contract")
class TestContractConversionSafety(BaseCase):
    """Each hostile document converted to PDF: nothing of what it links is read or fetched."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.folder = tempfile.mkdtemp(prefix="osf-secret-")
        cls.addClassCleanup(shutil.rmtree, cls.folder)
        cls.secret_text = os.path.join(cls.folder, "secret.txt")
        with open(cls.secret_text, "w", encoding="utf-8") as file:
            file.write("FILE-SECRET-TEXT\n")
        cls.secret_image = os.path.join(cls.folder, "secret.png")
        with open(cls.secret_image, "wb") as file:
            file.write(hostile.png())
        cls.secret_docx = os.path.join(cls.folder, "secret.docx")
        with open(cls.secret_docx, "wb") as file:
            file.write(hostile.base_docx("SUBDOC-SECRET-TEXT"))
        cls.listener = _Listener()
        thread = threading.Thread(target=cls.listener.serve_forever, daemon=True)
        thread.start()
        cls.addClassCleanup(cls.listener.server_close)
        cls.addClassCleanup(cls.listener.shutdown)

    def _convert(self, data):
        """``(text, number of images)`` of the PDF of ``data``."""
        self.listener.requests.clear()
        pdf = office.convert_to_pdf(data)
        text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
        with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
            file.write(pdf)
            file.flush()
            listing = subprocess.run(["pdfimages", "-list", file.name], capture_output=True, check=True, text=True)
        return text, len(listing.stdout.strip().splitlines()) - 2

    def _assert_harmless(self, data, what):
        text, images = self._convert(data)
        self.assertIn("Visible text", text, what)
        for secret in ("FILE-SECRET-TEXT", "HTTP-SECRET-TEXT", "SUBDOC-SECRET-TEXT", "ALTCHUNK-TEXT"):
            self.assertNotIn(secret, text, what)
        self.assertEqual(images, 0, f"{what}: no picture drawn in")
        self.assertEqual(self.listener.requests, [], f"{what}: no request")

    def test_linked_image_of_a_server_file(self):
        self._assert_harmless(hostile.linked_image(f"file://{self.secret_image}"), "file image")

    def test_linked_image_over_http(self):
        self._assert_harmless(hostile.linked_image(f"{self.listener.url}/image.png"), "http image")

    def test_includetext_of_a_local_file(self):
        self._assert_harmless(hostile.field_docx(f'INCLUDETEXT "{self.secret_text}"'), "complex INCLUDETEXT")
        self._assert_harmless(
            hostile.field_docx(f"INCLUDETEXT &quot;{self.secret_text}&quot;", simple=True), "simple INCLUDETEXT"
        )

    def test_includepicture_over_http(self):
        self._assert_harmless(
            hostile.field_docx(f'INCLUDEPICTURE "{self.listener.url}/picture.png" \\d'), "INCLUDEPICTURE"
        )

    def test_altchunk(self):
        html = (
            f'<html><body><p>ALTCHUNK-TEXT</p><img src="{self.listener.url}/chunk.png">'
            f'<img src="file://{self.secret_image}"></body></html>'
        )
        self._assert_harmless(hostile.altchunk_docx(html), "altChunk")

    def test_subdocument(self):
        self._assert_harmless(hostile.subdoc_docx(f"file://{self.secret_docx}"), "subDoc")

    def test_conversion_has_no_network_where_the_platform_allows(self):
        probe = subprocess.run(["unshare", "--net", "true"], capture_output=True, check=False)
        if probe.returncode:
            self.skipTest("no network namespace for this user here")
        self.assertEqual(office.network_isolation()[1:], ("--net",))
