"""botocore's own eventstream decoder reads what devtools.bedrock.eventstream encodes."""

import json

import pytest
from botocore.eventstream import ChecksumMismatch, EventStreamBuffer, EventStreamMessage

from devtools.bedrock import eventstream


def decode(*chunks: bytes) -> list[EventStreamMessage]:
    buffer = EventStreamBuffer()
    messages: list[EventStreamMessage] = []
    for chunk in chunks:
        buffer.add_data(chunk)
        messages.extend(buffer)
    return messages


def test_event_round_trips_through_botocore() -> None:
    # Given a contentBlockDelta event with non-ASCII text
    payload = {"contentBlockIndex": 0, "delta": {"text": "Peace be with you, ✝ amén"}}

    # When it is encoded and fed to botocore's decoder
    [message] = decode(eventstream.event("contentBlockDelta", payload))

    # Then the headers and the JSON payload come back intact
    assert message.headers == {
        ":event-type": "contentBlockDelta",
        ":content-type": "application/json",
        ":message-type": "event",
    }
    assert json.loads(message.payload) == payload
    assert message.to_response_dict()["status_code"] == 200


def test_exception_is_an_error_message_to_botocore() -> None:
    # Given an in-stream modeled exception
    encoded = eventstream.exception("modelStreamErrorException", "boom")

    # When botocore decodes it
    [message] = decode(encoded)

    # Then botocore treats it as an error (status 400) carrying the exception type and message
    response = message.to_response_dict()
    assert response["status_code"] == 400
    assert response["headers"][":message-type"] == "exception"
    assert response["headers"][":exception-type"] == "modelStreamErrorException"
    assert json.loads(response["body"]) == {"message": "boom"}


def test_messages_split_across_chunks_are_reassembled() -> None:
    # Given three events concatenated and cut into awkward pieces (inside preludes, headers and CRCs)
    texts = ["Be", " still", " and know"]
    body = b"".join(
        eventstream.event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": t}}) for t in texts
    )
    chunks = [body[i : i + 7] for i in range(0, len(body), 7)]

    # When the chunks are fed one at a time
    messages = decode(*chunks)

    # Then every message is decoded once, in order
    assert [json.loads(m.payload)["delta"]["text"] for m in messages] == texts


def test_corrupted_message_fails_the_crc_check() -> None:
    # Given an encoded event with one payload byte flipped
    encoded = bytearray(eventstream.event("messageStart", {"role": "assistant"}))
    encoded[-6] ^= 0x01

    # When botocore decodes it, Then the message CRC mismatch is detected
    with pytest.raises(ChecksumMismatch):
        decode(bytes(encoded))
