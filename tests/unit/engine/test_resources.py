"""The crisis resources: honest labels, the person's country and language."""

from __future__ import annotations

from shared.engine.resources import EMERGENCY_NUMBERS, resources_for


def test_every_way_to_reach_help_has_its_own_honest_label() -> None:
    # Given the resources shown to a person in the US
    resources = resources_for()
    # Then no two resources share a name, and every link says what it opens (never a bare "Website")
    names = [r.name for r in resources]
    labels = [r.url_label for r in resources if r.url]
    assert len(set(names)) == len(names)
    assert all(labels) and len(set(labels)) == len(labels)
    assert not any((label or "").strip().lower() in {"website", "link", "open"} for label in labels)
    # And a resource that names 988 is reached through 988 (no mixing 988 with another service's name)
    assert all("988" in f"{r.phone}{r.sms}{r.url}" for r in resources if "988" in r.name)


def test_a_person_writing_spanish_sees_the_spanish_line_first() -> None:
    # When the message was in Spanish
    resources = resources_for(language="es")
    # Then 988's Spanish line leads, and every other US line is still there
    assert resources[0].language == "es"
    assert {r.name for r in resources} == {r.name for r in resources_for()}


def test_the_country_picks_the_local_emergency_number_and_drops_us_lines() -> None:
    # Given a person in Australia, and one in a country whose number we do not know
    australia, unknown = resources_for("au"), resources_for("XZ")
    # Then Australia's emergency number is 000 and no US-only line is offered
    assert any(r.phone == "000" for r in australia) and not any("(US)" in r.name for r in australia)
    # And the unknown country gets the directory and plain advice to call the local number
    assert any(r.url and "findahelpline" in r.url for r in unknown)
    assert any("local emergency number" in r.description for r in unknown)
    # And every known number is a short string of digits
    assert all(number.isdigit() and 3 <= len(number) <= 5 for number in EMERGENCY_NUMBERS.values())
