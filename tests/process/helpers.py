"""Plain helpers (not fixtures) for the participation-process tests."""

import io
import zipfile
from datetime import datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from deliberation.process import services
from deliberation.process.models import Process, PublicSession

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 64
MARKDOWN = "# Ergebnisprotokoll\n\nAnwesend: 12 Personen; Beginn 18:00 Uhr. Grüße!\n".encode()


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hallo")
    return buffer.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def berlin(days: int, hour: int, minute: int = 0) -> datetime:
    """Today + `days` at hour:minute in Europe/Berlin, timezone-aware."""
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def make_process(slug: str = "leitlinien", title: str = "Leitlinien für Bürgerbeteiligung"):
    return services.process_create(
        title=title,
        slug=slug,
        description="Die Stadt gibt sich Leitlinien.\n\nAlle können mitreden.",
        contact_name="Koordinierungsstelle Bürgerbeteiligung",
        contact_email="beteiligung@example.org",
        contact_phone="0123 4567",
        contact_address="Marktplatz 1\n12345 Musterstadt",
    )


def make_session(process: Process, days: int = 7, **extra) -> PublicSession:
    data = {
        "title": "Öffentliche Sitzung des Arbeitskreises",
        "starts_at": berlin(days, 18),
        "ends_at": berlin(days, 20),
        "place": "Rathausfoyer, Marktplatz 1",
        "took_place": days < 0,
    }
    data.update(extra)
    return services.session_create(process=process, **data)
