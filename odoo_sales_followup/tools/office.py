"""Conversion of a DOCX document to PDF with LibreOffice, headless.

Each conversion has a private LibreOffice profile (``-env:UserInstallation``: two
conversions sharing a profile fail), a time limit, and its process group is killed
when the limit is reached, so that a hung LibreOffice never holds an Odoo worker.

What LibreOffice is given reads and fetches nothing: the document is cleaned first
(:func:`.docx_clean.clean_docx`: linked files and URLs, linking fields, altChunk,
sub-documents, macros), it is read with Word's filter only, macros are disabled in the
profile, and the conversion runs in a network namespace of its own (``unshare --net``,
as root or in a user namespace) where the platform allows it.
"""

import contextlib
import functools
import logging
import os
import shutil
import signal
import subprocess
import tempfile

from .docx_clean import DocxCleanError, clean_docx

_logger = logging.getLogger(__name__)

#: The Debian package that brings ``soffice``, named when it is missing.
PACKAGE = "libreoffice-writer-nogui"
#: Seconds one conversion may take.
DEFAULT_TIMEOUT = 120
#: The profile's settings: macros never run, documents may not fetch what they link.
_SCRIPTING = "/org.openoffice.Office.Common/Security/Scripting"
PROFILE_SETTINGS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"'
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
    + "".join(
        f'<item oor:path="{_SCRIPTING}"><prop oor:name="{name}" oor:op="fuse"><value>{value}</value></prop></item>\n'
        for name, value in (
            ("MacroSecurityLevel", "3"),
            ("DisableMacrosExecution", "true"),
            ("BlockUntrustedRefererLinks", "true"),
        )
    )
    + "</oor:items>\n"
)
#: How the conversion gets a network namespace of its own, tried in this order.
NETWORK_ISOLATIONS = (("unshare", "--net"), ("unshare", "--user", "--map-root-user", "--net"))


class OfficeError(Exception):
    """The conversion failed; ``reason`` is one of ``missing``, ``timeout``, ``failed``."""

    def __init__(self, reason, detail=""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


def find_soffice():
    """The path of LibreOffice's ``soffice``, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


@functools.cache
def network_isolation():
    """The command prefix that runs a program without network (``unshare --net``), or ``()``
    when the platform allows none (then said once in the log)."""
    unshare = shutil.which("unshare")
    for prefix in NETWORK_ISOLATIONS if unshare else ():
        probe = subprocess.run(
            [unshare, *prefix[1:], "true"], capture_output=True, check=False, stdin=subprocess.DEVNULL, timeout=10
        )
        if probe.returncode == 0:
            return (unshare, *prefix[1:])
    # info, not a warning: containers commonly forbid namespaces, and the cleaning still applies
    _logger.info("No network namespace available (unshare --net): documents are converted with the network")
    return ()


def convert_to_pdf(data, timeout=DEFAULT_TIMEOUT, soffice=None):
    """The PDF bytes of the DOCX document ``data``, cleaned first (:func:`clean_docx`):
    every document converted goes through this function, and so through the cleaning.

    :raises OfficeError: ``missing`` without LibreOffice, ``timeout`` past ``timeout``
        seconds (the process group is killed), ``failed`` when the document is not a DOCX
        document or LibreOffice wrote no PDF
    """
    soffice = soffice or find_soffice()
    if not soffice:
        raise OfficeError("missing", PACKAGE)
    try:
        data, _removed = clean_docx(data)
    except DocxCleanError as error:
        raise OfficeError("failed", f"not a DOCX document: {error}") from error
    with tempfile.TemporaryDirectory(prefix="osf-office-") as workdir:
        source = os.path.join(workdir, "document.docx")
        with open(source, "wb") as file:
            file.write(data)
        profile = os.path.join(workdir, "profile")
        os.makedirs(os.path.join(profile, "user"))
        with open(os.path.join(profile, "user", "registrymodifications.xcu"), "w", encoding="utf-8") as file:
            file.write(PROFILE_SETTINGS)
        outdir = os.path.join(workdir, "out")
        os.mkdir(outdir)
        command = [
            *network_isolation(),
            soffice,
            "--headless",
            "--norestore",
            "--nologo",
            "--nolockcheck",
            "--nodefault",
            f"-env:UserInstallation=file://{profile}",
            "--infilter=MS Word 2007 XML",
            "--convert-to",
            "pdf",
            "--outdir",
            outdir,
            source,
        ]
        env = {**os.environ, "HOME": workdir}
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            cwd=workdir,
            env=env,
            start_new_session=True,
        )
        try:
            _out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            raise OfficeError("timeout", str(timeout)) from None
        target = os.path.join(outdir, "document.pdf")
        if process.returncode != 0 or not os.path.exists(target):
            raise OfficeError("failed", (err or b"").decode(errors="replace").strip()[-500:])
        with open(target, "rb") as file:
            return file.read()


def _kill_group(process):
    """Kill the conversion and everything it started (LibreOffice forks ``soffice.bin``)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.communicate()
