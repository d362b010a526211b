"""The web client's help lines and safety cards, from the frames and history pages the server sends."""

from __future__ import annotations

from motivator_web.gateway import parse_frame
from motivator_web.models import STREAMING, Turn, turns_of, with_meta
from motivator_web.safety import CONCERN_SHOWN, resource_of, safety_view

from shared.engine.resources import (
    DIRECTORY,
    LIFELINE_CALL,
    LIFELINE_CHAT,
    LIFELINE_SPANISH,
    LIFELINE_TEXT,
    VETERANS,
    emergency,
    resources_for,
)
from shared.protocol import HistoryPage, Meta, Resource, Safety, TurnStatus, TurnView, Verse

VERSE = Verse(reference="Psalm 34:18", text="Yahweh is near to those who have a broken heart.")


def _meta(safety: Safety, resources: list[Resource] | None) -> Meta:
    """A meta frame as the web client receives it: through the wire and its parser."""
    frame = parse_frame(
        Meta(messageId="m1", emotion="sad", confidence=0.8, verse=VERSE, safety=safety, resources=resources).to_wire()
    )
    assert isinstance(frame, Meta)
    return frame


def test_each_way_of_reaching_988_has_its_own_honest_label() -> None:
    # Given the 988 lines as the server sends them, through the wire
    call, text, chat = [resource_of(r) for r in _meta(Safety.CRISIS, resources_for()).resources or []][:3]

    # Then the phone says "Call 988", the text line "Text 988" and the chat its own words, each with a working link
    assert (call.call_label, call.tel_href, call.text_label, call.link_label) == ("Call 988", "tel:988", "", "")
    assert (text.text_label, text.sms_href, text.call_label) == ("Text 988", "sms:988", "")
    assert (chat.link_label, chat.url) == ("Chat online with 988", LIFELINE_CHAT.url)
    assert {call.lang, text.lang, chat.lang} == {"en"}


def test_no_two_services_share_a_link_label_and_none_says_website() -> None:
    # Given every line the server may send (US, with the directory and the emergency number)
    lines = {r.name: r for r in [*resources_for(), *resources_for("GB")]}
    shown = [resource_of(r) for r in lines.values()]

    # Then no link is labelled "Website", and each service's link names that service alone
    labels = [r.link_label for r in shown if r.link_label]
    assert "Website" not in labels
    assert len(set(labels)) == len(labels)
    veterans = resource_of(VETERANS)
    assert veterans.link_label == "Chat online with the Veterans Crisis Line"
    assert (veterans.call_label, veterans.text_label) == ("Call 988", "Text 838255")
    assert resource_of(DIRECTORY).link_label == "Find a helpline in your country"


def test_the_spanish_line_speaks_spanish_and_says_so() -> None:
    # Given 988's Spanish line
    spanish = resource_of(LIFELINE_SPANISH)

    # Then its actions are in Spanish and the row is marked lang="es"
    assert spanish.lang == "es"
    assert (spanish.call_label, spanish.text_label, spanish.link_label) == (
        "Llama al 988",
        "Envía un texto al 988",
        "Chatea en línea en español",
    )
    assert spanish.description == LIFELINE_SPANISH.description


def test_a_number_with_spaces_dials_and_a_url_without_label_names_its_host() -> None:
    # Given Samaritans' number written with a space, and a line from an older server with a url but no label
    samaritans = resource_of(resources_for("GB")[0])
    bare = resource_of({"name": "Helpline", "description": "", "url": "https://www.example.org/help"})

    # Then the link dials the digits while the label keeps the number as written, and the bare url says where it goes
    assert (samaritans.call_label, samaritans.tel_href) == ("Call 116 123", "tel:116123")
    assert bare.link_label == "Open example.org"
    assert resource_of(emergency("GB")).call_label == "Call 999"


def test_a_crisis_answer_shows_every_line_first_and_offers_no_thumbs() -> None:
    # Given a live turn waiting for its answer
    turn = Turn(key="k1", question="I want to end my life", message_id="m1")

    # When the crisis meta frame arrives
    turn = with_meta(turn, _meta(Safety.CRISIS, resources_for()))

    # Then the card is a crisis card with every line, and no "Did this help?"
    assert turn.status == STREAMING and turn.crisis and not turn.concern
    assert [r.name for r in turn.resources] == [r.name for r in resources_for()]
    assert turn.more_resources == []
    assert turn.feedback_offered is False


def test_a_concern_answer_keeps_its_thumbs_and_shows_a_few_lines_calmly() -> None:
    # Given a live turn
    turn = Turn(key="k2", question="Everything feels pointless lately", message_id="m1")

    # When a concern meta frame arrives with the US lines
    turn = with_meta(turn, _meta(Safety.CONCERN, resources_for()))

    # Then it is an ordinary answer with a concern card: the first few lines shown, the others folded, thumbs kept
    assert turn.concern and not turn.crisis
    assert [r.name for r in turn.resources] == [LIFELINE_CALL.name, LIFELINE_TEXT.name, LIFELINE_CHAT.name]
    assert len(turn.resources) == CONCERN_SHOWN
    assert [r.name for r in turn.more_resources] == [r.name for r in resources_for()[CONCERN_SHOWN:]]
    assert turn.feedback_offered is True
    assert turn.emotion == "sad" and turn.reference == "Psalm 34:18"


def test_an_ordinary_answer_and_a_concern_without_lines_show_no_card() -> None:
    # Given an ok answer, and a concern answer from a server that sent no resources
    ok = safety_view(Safety.OK, None)
    bare_concern = safety_view(Safety.CONCERN, None)

    # Then neither shows a card and both keep the thumbs
    for view in (ok, bare_concern):
        assert (view.crisis, view.concern, view.resources, view.feedback_offered) == (False, False, [], True)


def test_history_shows_crisis_and_concern_turns_as_live_ones() -> None:
    # Given a session page with a crisis answer, a concern answer after it, and an older turn without a level
    page = HistoryPage(
        sessionId="s1",
        items=[
            TurnView(
                messageId=f"m{i}",
                message=message,
                answer="…",
                status=TurnStatus.COMPLETE,
                verse=VERSE,
                safety=safety,
                resources=resources_for() if safety else None,
            )
            for i, (message, safety) in enumerate(
                [("I want to end my life", Safety.CRISIS), ("I'm still here", Safety.CONCERN), ("Hello", None)]
            )
        ],
    )

    # When the web client reads it
    frame = parse_frame(page.to_wire())
    assert isinstance(frame, HistoryPage)
    crisis, concern, ordinary = turns_of("s1", frame.items)

    # Then each turn has the same card it had live
    assert with_meta(Turn(), _meta(Safety.CRISIS, resources_for())).resources == crisis.resources
    assert (crisis.crisis, crisis.feedback_offered) == (True, False)
    assert (concern.concern, concern.feedback_offered, len(concern.resources)) == (True, True, CONCERN_SHOWN)
    assert concern.resources[0].call_label == "Call 988"
    assert (ordinary.crisis, ordinary.concern, ordinary.feedback_offered) == (False, False, True)
