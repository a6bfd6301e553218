"""Repeat petitions (重复信访) per petitioner and per matter, over HTTP, with every service a real process."""
import requests

from tests.support import CATEGORIES, petition

# A county and a month no other test registers in, so their petitions do not count here.
COUNTY = "150699"
PERIOD = "from=2019-03-01&to=2019-03-31"


def repeats(system, query: str) -> requests.Response:
    return system.session().get(system.url(f"/api/stats/repeats?{query}"), timeout=30)


def register(system, body: dict) -> dict:
    answer = system.session().post(system.url("/api/petitions"), json=body, timeout=30)
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_repeats_are_counted_per_petitioner_and_matter_without_personal_data(system):
    bodies = [petition(699, region_code=COUNTY, received_at=f"2019-03-{day:02d}T09:30:00+08:00")
              for day in (4, 11, 18)]
    first = register(system, bodies[0])
    assert [register(system, body)["repeat_of"] for body in bodies[1:]] == [first["id"], first["id"]]
    register(system, petition(698, region_code=COUNTY, received_at="2019-03-05T10:00:00+08:00"))

    answer = system.wait_until(
        lambda: (r := repeats(system, f"{PERIOD}&region={COUNTY}")).json()["totals"]["petitions"] == 4 and r,
        timeout=30)
    assert answer.status_code == 200, answer.text
    stats = answer.json()
    assert (stats["from"], stats["to"], stats["region"]) == ("2019-03-01", "2019-03-31", COUNTY)
    assert stats["totals"] == {"petitions": 4, "repeats": 2, "persons": 2, "repeat_persons": 1}
    assert stats["previous_year"] == {"petitions": 0, "repeats": 0, "persons": 0, "repeat_persons": 0}
    # Only those with a repeat are listed, most repeats first.
    assert [(p["petitions"], p["repeats"]) for p in stats["petitioners"]] == [(3, 2)]
    ref = stats["petitioners"][0]["petitioner_ref"]
    assert stats["matters"] == [{"petitioner_ref": ref, "category": CATEGORIES[0], "county": COUNTY,
                                 "petitions": 3, "repeats": 2}]
    # A pseudonym only: no name, ID number or phone, clear or masked.
    for body in (bodies[0], petition(698)):
        for value in body["petitioner"].values():
            assert value not in answer.text
    assert "*" not in answer.text
    assert set(stats) == {"from", "to", "region", "totals", "previous_year", "petitioners", "matters"}

    # Another county's prefix sees none of it.
    assert repeats(system, f"{PERIOD}&region=150698").json()["totals"]["petitions"] == 0


def test_a_bad_repeats_query_is_refused_with_its_fields(system):
    answer = repeats(system, f"from=2019-04-01&to=2019-03-01&region={COUNTY}")
    assert answer.status_code == 400 and set(answer.json()["errors"]) == {"from"}, answer.text
    answer = repeats(system, f"{PERIOD}&limit=0")
    assert answer.status_code == 400 and set(answer.json()["errors"]) == {"limit"}, answer.text
    answer = repeats(system, "to=2019-03-01&limit=201&region=15x")
    assert answer.status_code == 400, answer.text
    assert set(answer.json()["errors"]) == {"from", "limit", "region"}, answer.text
