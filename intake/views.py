"""What a clerk sees of a petition: personal data masked, history without personal data."""
from __future__ import annotations

from intake.domain import Petition
from shared.access import ACCUSATION_WITHHELD, current_principal, may_read_accusation
from shared.privacy import mask_id_number, mask_phone
from shared.views import history, plain

# Personal data and free text stay out of the history; the petition itself shows them (masked).
HIDDEN = ("petitioner", "petitioner_ref", "content", "subject", "representatives")


def _person(p: dict) -> dict:
    return {"name": p["name"], "id_number": mask_id_number(p.get("id_number")), "phone": mask_phone(p.get("phone"))}


def petition_view(petition: Petition, events, matter=None) -> dict:
    p = petition.petitioner
    subject, content = petition.subject, petition.content
    if petition.matter_type == "accusation" and not may_read_accusation(current_principal()):
        subject = content = ACCUSATION_WITHHELD  # A29: what an accusation says is for discipline inspection
    return plain({
        "representatives": [_person(r) for r in petition.representatives], "group_size": petition.group_size,
        "accused_unit": petition.accused_unit, "new_facts": petition.new_facts,
        "matter": {"petitions": len(matter.petition_ids), "repeats": matter.repeats, "stage": matter.stage,
                   "handling_until": matter.handling_until} if matter else None,
        "id": petition.id, "status": petition.status, "channel": petition.channel,
        "petitioner": _person(p),
        "region_code": petition.region_code, "category": petition.category,
        "matter_type": petition.matter_type, "subject": subject, "content": content,
        "received_at": petition.received_at, "acceptance_deadline": petition.acceptance_deadline,
        "repeat_of": petition.repeat_of, "decision": petition.decision,
        "assignment_id": petition.assignment_id, "history": history(events, HIDDEN)})

