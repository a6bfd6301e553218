"""What a mediator or clerk sees of a mediation: parties' ID numbers and phones masked."""
from __future__ import annotations

from mediation.domain import Mediation
from mediation.layers import LAYER_NAMES
from shared.privacy import mask_id_number, mask_phone
from shared.views import history, plain

HIDDEN = ("parties", "party", "summary", "facts", "disputes", "terms", "signatures", "notes", "findings",
          "attendees", "participants", "panel")


def mediation_view(m: Mediation, events) -> dict:
    return plain({
        "id": m.id, "status": m.status, "source": m.source, "source_ref": m.source_ref,
        "petition_id": m.petition_id, "layer": m.layer, "layer_name": LAYER_NAMES[m.layer],
        "region_code": m.region_code, "category": m.category, "summary": m.summary,
        "opened_at": m.opened_at, "deadline": m.deadline,
        "parties": [{"name": p["name"], "role": p["role"], "phone": mask_phone(p.get("phone")),
                     "id_number": mask_id_number(p.get("id_number")), "consented": m.consents.get(i)}
                    for i, p in enumerate(m.parties)],
        "layers": m.layers, "mediators": m.mediators, "sessions": m.sessions, "hearings": m.hearings,
        "agreement": m.agreement, "confirmation": m.confirmation, "ended": m.ended,
        "history": history(events, HIDDEN)})
