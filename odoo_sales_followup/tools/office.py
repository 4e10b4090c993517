"""Conversion of an office document to PDF with LibreOffice, headless.

Each conversion has a private LibreOffice profile (``-env:UserInstallation``: two
conversions sharing a profile fail), a time limit, and its process group is killed
when the limit is reached, so that a hung LibreOffice never holds an Odoo worker.
"""

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile

#: The Debian package that brings ``soffice``, named when it is missing.
PACKAGE = "libreoffice-writer-nogui"
#: Seconds one conversion may take.
DEFAULT_TIMEOUT = 120


class OfficeError(Exception):
    """The conversion failed; ``reason`` is one of ``missing``, ``timeout``, ``failed``."""

    def __init__(self, reason, detail=""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


def find_soffice():
    """The path of LibreOffice's ``soffice``, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(data, suffix=".docx", timeout=DEFAULT_TIMEOUT, soffice=None):
    """The PDF bytes of the document ``data`` (bytes of a ``suffix`` file).

    :raises OfficeError: ``missing`` without LibreOffice, ``timeout`` past ``timeout``
        seconds (the process group is killed), ``failed`` when LibreOffice wrote no PDF
    """
    soffice = soffice or find_soffice()
    if not soffice:
        raise OfficeError("missing", PACKAGE)
    with tempfile.TemporaryDirectory(prefix="osf-office-") as workdir:
        source = os.path.join(workdir, "document" + suffix)
        with open(source, "wb") as file:
            file.write(data)
        profile = os.path.join(workdir, "profile")
        outdir = os.path.join(workdir, "out")
        os.mkdir(outdir)
        command = [
            soffice,
            "--headless",
            "--norestore",
            "--nologo",
            "--nolockcheck",
            f"-env:UserInstallation=file://{profile}",
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
