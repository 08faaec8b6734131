"""The working group's forms: who may use them, what they store, and what they refuse."""

import os
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from deliberation.process import services
from deliberation.process.models import Document, Milestone, Process, PublicSession
from tests.process.helpers import (
    EXE,
    MARKDOWN,
    PDF,
    docx,
    make_process,
    make_session,
    upload,
)

pytestmark = pytest.mark.django_db


def _day(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def session_data(days: int = 7, **extra) -> dict:
    data = {
        "title": "Öffentliche Sitzung",
        "date": _day(days),
        "start_time": "18:00",
        "end_time": "20:00",
        "place": "Rathausfoyer",
        "place_accessibility": "Stufenloser Zugang",
        "description": "",
        "listeners_welcome": "on",
        "online_url": "",
    }
    data.update(extra)
    return data


def _write_urls(process):
    session = make_session(process)
    milestone = services.milestone_create(
        process=process, title="Auftakt", starts_on=timezone.localdate()
    )
    document = services.document_create(
        process=process,
        title="Protokoll",
        kind="protocol",
        date=timezone.localdate(),
        file=upload("p.pdf", PDF),
    )
    slug = process.slug
    return [
        reverse("process_create"),
        reverse("process_edit", args=[slug]),
        reverse("milestone_create", args=[slug]),
        reverse("milestone_edit", args=[slug, milestone.pk]),
        reverse("milestone_delete", args=[slug, milestone.pk]),
        reverse("session_create", args=[slug]),
        reverse("session_edit", args=[slug, session.pk]),
        reverse("session_delete", args=[slug, session.pk]),
        reverse("document_create", args=[slug]),
        reverse("document_edit", args=[slug, document.pk]),
        reverse("document_delete", args=[slug, document.pk]),
    ]


def test_anonymous_visitors_are_sent_to_the_login_page(client, process):
    for url in _write_urls(process):
        for response in (client.get(url), client.post(url, {})):
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("login")), url


def test_citizens_and_moderators_get_403_and_nothing_changes(client, process, citizen, moderator):
    urls = _write_urls(process)
    counts = (Milestone.objects.count(), PublicSession.objects.count(), Document.objects.count())
    for user in (citizen, moderator):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 403, url
            assert client.post(url, {"title": "x"}).status_code == 403, url
    assert counts == (
        Milestone.objects.count(),
        PublicSession.objects.count(),
        Document.objects.count(),
    )


def test_working_group_pages_render_in_german(client, wg, process):
    client.force_login(wg)
    for url in _write_urls(process):
        html = client.get(url).content.decode()
        assert html.count("<h1") == 1, url
        assert "Abbrechen" in html, url
    html = client.get(reverse("session_create", args=[process.slug])).content.decode()
    assert "bereits stattgefunden" in html and 'type="time"' in html and 'type="date"' in html
    assert '<label for="id_title">' in html


def test_superuser_may_use_the_forms(client, make_user, process):
    client.force_login(make_user("admin", is_superuser=True))
    assert client.get(reverse("session_create", args=[process.slug])).status_code == 200


def test_create_and_edit_a_process(client, wg):
    client.force_login(wg)
    data = {
        "title": "Radverkehrskonzept",
        "slug": "radverkehr",
        "description": "Wo fahren Sie Rad?",
        "contact_name": "Stadtplanungsamt",
        "contact_email": "rad@example.org",
        "contact_phone": "",
        "contact_address": "",
    }
    response = client.post(reverse("process_create"), data)
    process = Process.objects.get(slug="radverkehr")
    assert response["Location"] == process.get_absolute_url()
    response = client.post(
        reverse("process_edit", args=["radverkehr"]), {**data, "title": "Radverkehr 2030"}
    )
    assert response.status_code == 302
    process.refresh_from_db()
    assert process.title == "Radverkehr 2030"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"title": ""}, "title", "Dieses Feld ist zwingend erforderlich."),
        ({"title": "<b></b>"}, "title", "Bitte geben Sie einen Titel ein."),
        ({"slug": "new"}, "slug", "reserviert"),
        ({"slug": "kein slug!"}, "slug", ""),
        ({"contact_email": "keine-adresse"}, "contact_email", ""),
    ],
)
def test_bad_process_input_is_refused(client, wg, data, field, message):
    client.force_login(wg)
    base = {"title": "Verfahren", "slug": "verfahren", "description": ""}
    base.update(
        {k: "" for k in ("contact_name", "contact_email", "contact_phone", "contact_address")}
    )
    response = client.post(reverse("process_create"), {**base, **data})
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert message in response.content.decode()
    assert not Process.objects.exists()


def test_duplicate_slug_is_refused(client, wg, process):
    client.force_login(wg)
    response = client.post(reverse("process_create"), {"title": "Zweites", "slug": process.slug})
    assert response.status_code == 400 and "slug" in response.context["form"].errors
    assert Process.objects.count() == 1


def test_milestones_add_edit_delete_and_one_current_step(client, wg, process):
    client.force_login(wg)
    url = reverse("milestone_create", args=[process.slug])
    for position, (title, state) in enumerate([("Auftakt", "current"), ("Beteiligung", "planned")]):
        data = {"title": title, "starts_on": _day(position), "state": state, "position": position}
        assert client.post(url, data).status_code == 302
    first, second = process.milestones.order_by("position")
    response = client.post(
        reverse("milestone_edit", args=[process.slug, second.pk]),
        {"title": "Online-Beteiligung", "starts_on": _day(1), "state": "current", "position": 1},
    )
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == ("done", "current")
    assert second.title == "Online-Beteiligung"
    delete_url = reverse("milestone_delete", args=[process.slug, first.pk])
    assert "Diesen Schritt löschen?" in client.get(delete_url).content.decode()
    assert Milestone.objects.filter(pk=first.pk).exists()  # GET only asks
    assert client.post(delete_url).status_code == 302
    assert not Milestone.objects.filter(pk=first.pk).exists()


def test_milestone_ending_before_it_starts_is_refused(client, wg, process):
    client.force_login(wg)
    response = client.post(
        reverse("milestone_create", args=[process.slug]),
        {
            "title": "Schritt",
            "starts_on": _day(5),
            "ends_on": _day(2),
            "state": "planned",
            "position": 0,
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["ends_on"] == [
        "Das Ende kann nicht vor dem Beginn liegen."
    ]
    assert not Milestone.objects.exists()


def test_create_a_session(client, wg, process):
    client.force_login(wg)
    response = client.post(
        reverse("session_create", args=[process.slug]),
        session_data(online_url="https://meet.example.org/ak"),
    )
    assert response.status_code == 302
    session = PublicSession.objects.get()
    assert response["Location"].endswith(f"#session-{session.pk}")
    local = timezone.localtime(session.starts_at)
    assert (local.hour, local.minute, str(local.tzinfo)) == (18, 0, "Europe/Berlin")
    assert session.ends_at - session.starts_at == timedelta(hours=2)
    assert session.listeners_welcome and session.online_url == "https://meet.example.org/ak"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            session_data(start_time="19:00", end_time="18:00"),
            "end_time",
            "Der Termin muss nach seinem Beginn enden.",
        ),
        (
            session_data(start_time="19:00", end_time="19:00"),
            "end_time",
            "Der Termin muss nach seinem Beginn enden.",
        ),
        (
            session_data(days=-3),
            "date",
            "Dieser Termin liegt in der Vergangenheit. Wenn er bereits stattgefunden hat, "
            "kreuzen Sie „bereits stattgefunden“ an.",
        ),
        (
            session_data(days=5, took_place="on"),
            "date",
            "Dieser Termin liegt in der Zukunft und kann noch nicht stattgefunden haben.",
        ),
        (session_data(title="   "), "title", "Dieses Feld ist zwingend erforderlich."),
        (session_data(title="<i></i>"), "title", "Bitte geben Sie einen Titel ein."),
        (session_data(date="31.02.2026"), "date", ""),
        (session_data(online_url="javascript:alert(1)"), "online_url", ""),
    ],
)
def test_bad_session_input_is_refused(client, wg, process, data, field, message, mailoutbox):
    client.force_login(wg)
    response = client.post(reverse("session_create", args=[process.slug]), data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors, errors
    if message:
        assert message in errors[field]
        html = response.content.decode()
        # the message stands next to its field
        assert f'id="id_{field}_error"' in html
    assert not PublicSession.objects.exists()


def test_past_session_is_allowed_when_marked_as_past(client, wg, process):
    client.force_login(wg)
    response = client.post(
        reverse("session_create", args=[process.slug]), session_data(days=-40, took_place="on")
    )
    assert response.status_code == 302
    assert PublicSession.objects.get().ends_at < timezone.now()


def test_session_from_earlier_today_needs_no_tick(client, wg, process):
    client.force_login(wg)
    response = client.post(
        reverse("session_create", args=[process.slug]),
        session_data(days=0, start_time="00:00", end_time="00:30"),
    )
    assert response.status_code == 302


def test_edit_and_delete_a_session(client, wg, process):
    session = make_session(process, days=3)
    client.force_login(wg)
    edit = reverse("session_edit", args=[process.slug, session.pk])
    assert 'value="18:00"' in client.get(edit).content.decode()
    response = client.post(edit, session_data(days=4, title="Verlegt", end_time="21:00"))
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.title == "Verlegt" and timezone.localtime(session.ends_at).hour == 21
    bad = client.post(edit, session_data(start_time="21:00", end_time="20:00", title="Kaputt"))
    assert bad.status_code == 400
    session.refresh_from_db()
    assert session.title == "Verlegt"
    assert (
        client.post(reverse("session_delete", args=[process.slug, session.pk])).status_code == 302
    )
    assert not PublicSession.objects.exists()


def _document_data(**extra):
    data = {"title": "Ergebnisprotokoll", "kind": "protocol", "date": _day(-1), "session": ""}
    data.update(extra)
    return data


@pytest.mark.parametrize(
    ("name", "data", "stored_as"),
    [
        ("protokoll.pdf", PDF, "pdf"),
        ("protokoll.md", MARKDOWN, "md"),
        ("bericht.docx", docx(), "docx"),
    ],
)
def test_upload_a_document(client, wg, process, name, data, stored_as):
    session = make_session(process, days=-2)
    client.force_login(wg)
    response = client.post(
        reverse("document_create", args=[process.slug]),
        {**_document_data(session=session.pk), "file": upload(name, data, "text/html")},
    )
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.file_format == stored_as and document.session == session
    assert document.size == len(data)
    assert not document.file.name.endswith(name)  # stored under a name of our own
    with document.file.open("rb") as handle:
        assert handle.read() == data


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("programm.pdf", EXE, "Hochladen lassen sich nur PDF-, Markdown- (.md) und Word-Dateien"),
        (
            "protokoll.pdf",
            MARKDOWN,
            "Der Dateiname endet auf „.pdf“, der Inhalt ist aber eine Markdown-Datei",
        ),
        ("protokoll.md", PDF, "Der Dateiname endet auf „.md“, der Inhalt ist aber eine PDF-Datei"),
        ("seite.html", b"<h1>Hallo</h1>", "Der Dateiname muss auf .pdf, .md oder .docx enden."),
        ("gross.pdf", PDF + b"x" * 3000, "Die Datei ist zu groß: Erlaubt sind höchstens"),
    ],
)
def test_bad_documents_are_refused(client, wg, process, settings, name, data, message, tmp_path):
    settings.DOCUMENT_MAX_BYTES = 2048
    client.force_login(wg)
    response = client.post(
        reverse("document_create", args=[process.slug]),
        {**_document_data(), "file": upload(name, data)},
    )
    assert response.status_code == 400
    assert any(message in error for error in response.context["form"].errors["file"])
    assert 'id="id_file_error"' in response.content.decode()
    assert not Document.objects.exists()
    assert not any(path.is_file() for path in tmp_path.rglob("*"))


def test_document_needs_a_title_and_a_file(client, wg, process):
    client.force_login(wg)
    response = client.post(
        reverse("document_create", args=[process.slug]), _document_data(title="")
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"title", "file"}
    assert not Document.objects.exists()


def test_document_of_another_process_session_is_refused(client, wg, process):
    other = make_process(slug="anderes", title="Anderes")
    foreign = make_session(other, days=-1)
    client.force_login(wg)
    response = client.post(
        reverse("document_create", args=[process.slug]),
        {**_document_data(session=foreign.pk), "file": upload("p.pdf", PDF)},
    )
    assert response.status_code == 400 and "session" in response.context["form"].errors
    assert not Document.objects.exists()


def test_edit_keeps_or_replaces_the_file_and_delete_removes_it(
    client, wg, process, django_capture_on_commit_callbacks
):
    document = services.document_create(
        process=process,
        title="Folien",
        kind="presentation",
        date=timezone.localdate(),
        file=upload("folien.pdf", PDF),
    )
    old_path = document.file.path
    client.force_login(wg)
    edit = reverse("document_edit", args=[process.slug, document.pk])
    assert (
        client.post(edit, _document_data(title="Folien (neu)", kind="presentation")).status_code
        == 302
    )
    document.refresh_from_db()
    assert document.title == "Folien (neu)" and document.file.path == old_path
    bad = client.post(edit, {**_document_data(kind="presentation"), "file": upload("x.pdf", EXE)})
    assert bad.status_code == 400
    document.refresh_from_db()
    assert document.file_format == "pdf" and document.title == "Folien (neu)"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            edit, {**_document_data(kind="presentation"), "file": upload("folien.md", MARKDOWN)}
        )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.file_format == "md" and "Ergebnisprotokoll" in document.html
    assert not os.path.exists(old_path)
    new_path = document.file.path
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("document_delete", args=[process.slug, document.pk]))
    assert not Document.objects.exists() and not os.path.exists(new_path)


def test_admin_lists_every_model_and_checks_uploads(client, make_user, process):
    client.force_login(make_user("admin", is_superuser=True, is_staff=True))
    for model in ("process", "milestone", "publicsession", "document", "follow"):
        assert client.get(f"/admin/process/{model}/").status_code == 200, model
    assert client.get("/admin/deliberation/notification/").status_code == 200
    response = client.post(
        "/admin/process/document/add/",
        {
            "process": process.pk,
            "title": "Programm",
            "kind": "other",
            "date": timezone.localdate().isoformat(),
            "file": upload("programm.pdf", EXE),
        },
    )
    assert response.status_code == 200 and "file" in response.context["adminform"].form.errors
    assert not Document.objects.exists()
    response = client.post(
        "/admin/process/document/add/",
        {
            "process": process.pk,
            "title": "Protokoll",
            "kind": "protocol",
            "date": timezone.localdate().isoformat(),
            "file": upload("protokoll.md", MARKDOWN),
        },
    )
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.file_format == "md" and "Ergebnisprotokoll" in document.html
