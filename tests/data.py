"""Test data shared by the tests: the draft text and the password of every test account."""

PASSWORD = "ein-sicheres-Passwort-42"

DRAFT_TEXT = """# Leitlinien für Bürgerbeteiligung

## 1. Präambel

Die Stadt lebt vom Engagement ihrer Bürgerinnen und Bürger, die sich für ihr Viertel einsetzen.

## 2. Grundsätze

Alle Informationen werden rechtzeitig, vollständig und verständlich veröffentlicht.

Beteiligung beginnt so früh, dass Anregungen das Ergebnis noch beeinflussen können.

- Transparenz
- Verbindlichkeit
- Inklusion
"""
