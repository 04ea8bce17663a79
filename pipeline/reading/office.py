"""Word 97-2003 `.doc`, OpenDocument `.odt` and `.rtf`: converted to .docx by LibreOffice, then read as DOCX.

LibreOffice runs headless in a private, temporary user profile and folder (so
parallel workers never share or lock a profile, and nothing is left behind),
under a time limit; the whole process group is killed when it runs over.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from pipeline.document import RawDocument
from pipeline.errors import UnreadableFile

CONVERT_TIMEOUT_S = 120
INSTALL_HINT = "install LibreOffice (Debian: apt-get install libreoffice-writer-nogui), or save the file as .docx"


def soffice() -> str | None:
    """The LibreOffice program, when installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def read_office(path: Path, kind: str) -> RawDocument:
    """Read a `kind` ("doc", "odt", "rtf") file through a LibreOffice conversion to .docx."""
    from pipeline.reading.readers import read_docx

    program = soffice()
    if program is None:
        raise UnreadableFile(f"a .{kind} file needs LibreOffice to be read (Debian: libreoffice-writer-nogui)",
                             INSTALL_HINT)
    with tempfile.TemporaryDirectory(prefix="vncp-office-") as tmp:
        work = Path(tmp)
        source = work / f"input.{kind}"  # a plain name: LibreOffice mangles odd ones
        shutil.copyfile(path, source)
        converted = convert(program, source, work)
        raw = read_docx(converted)
    return RawDocument(source=str(path), format=kind, text=raw.text, pages=raw.pages,
                       warnings=[*raw.warnings, f"converted from .{kind} to .docx by LibreOffice"])


def convert(program: str, source: Path, work: Path, to: str = "docx") -> Path:
    """`source` converted by LibreOffice to the format `to`, in `work` (its profile and output folder)."""
    profile = work / "profile"
    out = work / "out"
    out.mkdir(exist_ok=True)
    cmd = [program, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible", "--norestore",
           "--nologo", "--nodefault", "--nolockcheck", "--convert-to", to, "--outdir", str(out), str(source)]
    env = {**os.environ, "HOME": str(work)}
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                            env=env, start_new_session=True)
    try:
        _, err = proc.communicate(timeout=CONVERT_TIMEOUT_S)
    except subprocess.TimeoutExpired as e:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise UnreadableFile(f"LibreOffice did not convert the .{source.suffix[1:]} file within {CONVERT_TIMEOUT_S} s",
                             "open it in Word or LibreOffice and save it as .docx") from e
    result = out / f"{source.stem}.{to}"
    if proc.returncode != 0 or not result.is_file():
        detail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit {proc.returncode}"]
        raise UnreadableFile(f"LibreOffice could not convert the .{source.suffix[1:]} file ({detail[0][:120]})",
                             "open it in Word or LibreOffice and save it as .docx")
    return result
