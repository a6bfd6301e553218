"""docs/asyncapi.yaml against what intake and dispatch really publish.

A whole petition's life runs in memory (no broker, no database): every envelope both feeds give
must match the message documented for its type, every documented message of intake.events and
dispatch.events must be sent, and no envelope may carry the petitioner's personal data.
"""
import copy
import json
import re
from datetime import datetime
from pathlib import Path
from uuid import uuid4

import pytest
import yaml
from jsonschema import Draft7Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from dispatch.application import DispatchApplication, assignment_id_for
from dispatch.published import translate as dispatch_translate
from dispatch.routing import RoutingTable, Rule, Unit
from intake.application import IntakeApplication
from intake.published import translate as intake_translate
from shared.clock import BEIJING, FixedClock
from shared.envelope import source_service
from shared.feed import NotificationFeed
from shared.reference import load_reference
from support import REPLY, id_number

DOC_PATH = Path(__file__).resolve().parents[3] / "docs" / "asyncapi.yaml"
DOC_URI = "urn:xinfang:asyncapi-document"
ENV = {"PERSISTENCE_MODULE": "eventsourcing.popo"}
NOW = datetime(2026, 11, 2, 9, 30, tzinfo=BEIJING)  # a Monday
PUBLISHED_CHANNELS = ("intake.events", "dispatch.events")

FIRST = {"name": "测试某某", "id_number": id_number("15062319800101001"), "phone": "13800000001"}
SECOND = {"name": "另一某某", "id_number": id_number("15062319900202002"), "phone": "13900000002"}
PETITION_TEXT = {"subject": "草牧场边界纠纷", "content": "与邻村就草牧场边界发生争议，请求依法确权。"}

# RFC 3339 date-time, as AsyncAPI (JSON Schema draft 7) means `format: date-time`.
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
FORMATS = FormatChecker()  # every format jsonschema knows (uuid and date included)


@FORMATS.checks("date-time", raises=ValueError)
def _rfc3339(value: object) -> bool:
    if not isinstance(value, str):
        return True
    return bool(RFC3339.fullmatch(value)) and datetime.fromisoformat(value.replace("Z", "+00:00")) is not None


def load_doc() -> dict:
    return yaml.safe_load(DOC_PATH.read_text(encoding="utf-8"))


# -- the document --------------------------------------------------------------------------------
def deref(doc: dict, node):
    """Follows local `$ref`s ("#/...") to the node they name."""
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/"), f"only local references are expected, not {ref}"
        node = doc
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def channel_messages(doc: dict, channel: str) -> dict[str, tuple[str, dict]]:
    """The event type (message `name`) -> (component key, message) of a published channel."""
    message = doc["channels"][channel]["subscribe"]["message"]
    refs = message.get("oneOf", [message])
    found = {}
    for ref in refs:
        key = ref["$ref"].rsplit("/", 1)[-1]
        resolved = deref(doc, ref)
        assert resolved["name"] not in found, f"{channel} documents {resolved['name']} twice"
        found[resolved["name"]] = (key, resolved)
    return found


def documented_properties(doc: dict, schema) -> dict[str, list]:
    """Property name -> the subschemas describing it, through `$ref` and `allOf`."""
    schema = deref(doc, schema)
    found: dict[str, list] = {}
    for name, sub in schema.get("properties", {}).items():
        found.setdefault(name, []).append(sub)
    for part in schema.get("allOf", []):
        for name, subs in documented_properties(doc, part).items():
            found.setdefault(name, []).extend(subs)
    return found


def problems(doc: dict, envelope: dict) -> list[str]:
    """What in the envelope the document does not allow or does not mention; empty when it matches."""
    channel = f"{source_service(envelope)}.events"
    messages = channel_messages(doc, channel)
    if envelope["type"] not in messages:
        return [f"{channel} documents no message of type {envelope['type']}"]
    key, message = messages[envelope["type"]]
    registry = Registry().with_resource(DOC_URI, Resource(contents=doc, specification=DRAFT7))
    validator = Draft7Validator({"$ref": f"{DOC_URI}#/components/messages/{key}/payload"},
                                registry=registry, format_checker=FORMATS)
    found = [f"{key}: {'/'.join(map(str, e.absolute_path)) or '(envelope)'}: {e.message}"
             for e in validator.iter_errors(envelope)]
    # Consumers must ignore unknown fields, so the schemas are open: check that nothing sent is
    # undocumented, or a field missing from the document would go unnoticed.
    attributes = documented_properties(doc, message["payload"])
    found += [f"{key}: attribute {name} is not documented"
              for name in sorted(set(envelope) - set(attributes))]
    data_fields = {name for sub in attributes.get("data", []) for name in documented_properties(doc, sub)}
    found += [f"{key}: data.{name} is not documented"
              for name in sorted(set(envelope["data"]) - data_fields)]
    return found


# -- the scenario ---------------------------------------------------------------------------------
class Link:
    """One service following another as its follower would, without the broker: the source's feed
    read from 0, each envelope after the last one handed over processed in order."""

    def __init__(self, follower, source: str, source_app, translate):
        self.follower, self.source = follower, source
        self.feed = NotificationFeed(source, source_app, translate)
        self.reached = 0

    def pending(self) -> list[dict]:
        return [e for e in self.feed.read(0, 1000)[0] if e["position"] > self.reached]

    def sync(self) -> None:
        for envelope in self.pending():
            self.follower.process(self.source, envelope)
            self.reached = envelope["position"]


def register(intake, petitioner, **changes):
    fields = {"channel": "visit", "petitioner": dict(petitioner), "region_code": "150623101001",
              "category": "land_grassland_rights", **PETITION_TEXT, **changes}
    return intake.register(uuid4(), **fields)


@pytest.fixture(scope="module")
def published() -> dict[str, list[dict]]:
    """Every envelope intake and dispatch publish over one petition's whole life, by source."""
    intake = IntakeApplication(ENV, pseudonym_key=b"k", clock=FixedClock(NOW))
    ref = load_reference()
    routing = RoutingTable([Unit(**u) for u in ref.units], [Rule(**r) for r in ref.rules])
    dispatch = DispatchApplication(ENV, routing=routing, clock=FixedClock(NOW))
    to_dispatch = Link(dispatch, "intake", intake, intake_translate)
    to_intake = Link(intake, "dispatch", dispatch, dispatch_translate)

    # 登记、受理: a petition, a repeat of it, another person's; each decided differently.
    first = register(intake, FIRST)
    repeat = register(intake, FIRST, region_code="150623102")  # same county, same matter
    other = register(intake, SECOND, category="social_security", matter_type="suggestion")
    assert repeat.repeat_of == first.id and other.repeat_of is None
    intake.decide_acceptance(first.id, "accepted", "属于受理范围")
    intake.decide_acceptance(repeat.id, "not_accepted", "重复信访，已在办理")
    intake.decide_acceptance(other.id, "diverted", "应通过诉讼解决", route="litigation")

    # 交办: dispatch assigns the accepted one, intake links it.
    to_dispatch.sync()
    assignment_id = assignment_id_for(first.id)
    unit_id = dispatch.get_assignment(assignment_id).unit_id
    to_intake.sync()

    # 签收、延期、答复、评价, each mirrored on the petition.
    dispatch.sign(assignment_id, unit_id)
    dispatch.extend(assignment_id, 10, "需要现场勘界", "县信访局局长")
    dispatch.reply(assignment_id, **REPLY)
    dispatch.evaluate(assignment_id, "satisfied")
    to_intake.sync()

    # Each side gives up on one event from the other (parked, published as event.parked).
    [poison] = to_dispatch.pending()[-1:]
    dispatch.park("intake", poison, "ValueError: could not process the event")
    [poison] = to_intake.pending()[-1:]
    intake.park("dispatch", poison, "KeyError: 'petition_id'")

    return {"intake": NotificationFeed("intake", intake, intake_translate).read(0, 1000)[0],
            "dispatch": NotificationFeed("dispatch", dispatch, dispatch_translate).read(0, 1000)[0]}


def everything(published) -> list[dict]:
    return published["intake"] + published["dispatch"]


# -- (a) every envelope is the documented message of its type ----------------------------------
def test_every_published_envelope_matches_the_documented_message_of_its_type(published):
    doc = load_doc()
    found = [f"{e['id']} ({e['type']}): {p}" for e in everything(published) for p in problems(doc, e)]
    assert found == []


def test_every_documented_payload_is_a_valid_schema():
    doc = load_doc()
    for channel in PUBLISHED_CHANNELS:
        for type_, (key, message) in channel_messages(doc, channel).items():
            Draft7Validator.check_schema(message["payload"])
            assert message["bindings"]["amqp"]["messageType"] == type_, key


# -- (b) the document lists what the code sends, and nothing else --------------------------------
@pytest.mark.parametrize("channel", PUBLISHED_CHANNELS)
def test_the_channel_documents_exactly_the_types_the_code_sends(published, channel):
    documented = set(channel_messages(load_doc(), channel))
    sent = {e["type"] for e in published[channel.removesuffix(".events")]}
    assert sorted(documented - sent) == [], "documented but never sent"
    assert sorted(sent - documented) == [], "sent but not documented"


def test_internal_events_stay_out_and_envelopes_chain_by_previous(published):
    for source, envelopes in published.items():
        assert all(e["id"] == f"{source}-{e['position']}" for e in envelopes)
        assert [e["previous"] for e in envelopes] == [0] + [e["position"] for e in envelopes[:-1]]
    intake = published["intake"]
    assert not [e for e in intake if e["type"].startswith("matter_index.")]
    # Each registration also stores the repeat index's events, which are skipped: positions jump.
    assert any(e["position"] > e["previous"] + 1 for e in intake)


# -- (c) personal data never goes on the bus -------------------------------------------------------
def test_no_envelope_carries_the_petitioners_personal_data(published):
    for envelope in everything(published):
        wire = json.dumps(envelope, ensure_ascii=False)
        for person in (FIRST, SECOND):
            for field, value in person.items():
                assert value not in wire, f"{envelope['id']} carries the petitioner's {field}"
        for field, value in PETITION_TEXT.items():
            assert value not in wire, f"{envelope['id']} carries the petition's {field}"


def test_opinion_texts_stay_inside_dispatch(published):
    texts = list(REPLY["opinion"].values()) + [s["name"] for s in REPLY["signatures"]]
    for envelope in everything(published):
        wire = json.dumps(envelope, ensure_ascii=False)
        assert [t for t in texts if t in wire] == [], envelope["id"]


# -- the check itself can fail ----------------------------------------------------------------------
def first_of(published, type_):
    return next(e for e in everything(published) if e["type"] == type_)


def test_a_field_missing_from_the_document_is_caught(published):
    doc = load_doc()
    data = doc["components"]["messages"]["AssignmentSigned"]["payload"]["allOf"][1]["properties"]["data"]
    data["required"].remove("unit_id")
    del data["properties"]["unit_id"]
    assert problems(doc, first_of(published, "assignment.signed")) == [
        "AssignmentSigned: data.unit_id is not documented"]


def test_an_undocumented_attribute_or_a_wrong_value_is_caught(published):
    doc = load_doc()
    envelope = first_of(published, "petition.acceptance_decided")
    del doc["components"]["schemas"]["Envelope"]["properties"]["previous"]
    assert "PetitionAcceptanceDecided: attribute previous is not documented" in problems(doc, envelope)

    changed = copy.deepcopy(envelope)
    changed["previous"] = -1
    changed["data"]["decision"] = "maybe"
    del changed["data"]["timely"]
    found = problems(load_doc(), changed)
    assert len(found) == 3 and all(p.startswith("PetitionAcceptanceDecided: ") for p in found), found


def test_a_type_the_channel_does_not_document_is_caught(published):
    doc = load_doc()
    message = doc["channels"]["intake.events"]["subscribe"]["message"]
    message["oneOf"] = [m for m in message["oneOf"] if not m["$ref"].endswith("/IntakeEventParked")]
    parked = next(e for e in published["intake"] if e["type"] == "event.parked")
    assert problems(doc, parked) == ["intake.events documents no message of type event.parked"]
