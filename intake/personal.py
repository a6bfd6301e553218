"""Which fields of intake's events are a petitioner's personal data, sealed with the petitioner's own
key (crypto-shredding, decision 0019), and what each reads as once the key is erased.

The petitioner, the group's representatives, the subject and content (free text that names
people, decision 0005) and the query code (the petitioner's credential) are sealed; what the rules
and the statistics need — region, category, matter type, dates, the pseudonym, how many
representatives — is not.
"""
from __future__ import annotations

from intake.agency import AgencyEvent
from intake.domain import Petition
from shared.dead_letters import DeadLetter
from shared.sealing import SealRule
from shared.shredding import ERASED_TEXT

ERASED_PERSON = {"name": ERASED_TEXT, "id_number": None, "phone": None}

PETITION = SealRule(ref="petitioner_ref",
                    fields={"petitioner": ERASED_PERSON, "representatives": ERASED_PERSON,
                            "subject": ERASED_TEXT, "content": ERASED_TEXT, "query_code": None},
                    each=("representatives",))

# Other agencies' events (decision 0023): a 12345 caller's or a 110/court party's name and phone, and
# the free text, under the caller's key (the one their petition has) or the record's own.
AGENCY_EVENT = SealRule(ref="data_ref", fields={"parties": ERASED_PERSON, "texts": {}}, each=("parties",))

# A refused message's clear original, under a key of the letter's own, deleted once it is resubmitted.
DEAD_LETTER = SealRule(ref="data_ref", fields={"original": None})

# The registration event and the petition's snapshots (should petitions ever be snapshotted).
SEALED = {Petition.Registered: PETITION, Petition: PETITION, AgencyEvent.Received: AGENCY_EVENT,
          DeadLetter.Recorded: DEAD_LETTER}
