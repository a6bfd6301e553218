"""Loads the demo petitions (deploy/demo/petitions.json) through the public API, once, and walks
some of them through acceptance, handling, reply and rating on realistic dates."""
import json
import os
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import requests

from mediation.application import mediation_id_for
from services import simulator

DEMO = Path(__file__).resolve().parent.parent / "deploy" / "demo" / "petitions.json"
OPINION = {"facts": "经调查核实，反映情况基本属实。", "claims": "信访人请求依法解决其反映的问题。",
           "findings": "责任单位已会同属地乡镇现场核查。", "result": "已督促相关单位限期解决。",
           "legal_basis": "《信访工作条例》第三十二条", "remedy": "如不服本意见，可自收到之日起30日内向上一级机关申请复查。"}
SIGNATURES = [{"role": "business_head", "name": "业务负责人甲"}, {"role": "petition_head", "name": "信访负责人乙"}]
RATINGS = ["satisfied", "basically_satisfied", "unsatisfied"]
SESSION = requests.Session()  # with the administrator's token: every step recorded as done by demo-admin


def call(method, url, **kwargs):
    answer = SESSION.request(method, url, timeout=30, **kwargs)
    if answer.status_code >= 400 and answer.status_code != 409:  # 409: done on an earlier start
        answer.raise_for_status()
    return answer.json()


def at(moment: datetime, days: int) -> str:
    return (moment + timedelta(days=days)).isoformat()


def assignment_of(base_url: str, petition_id: str) -> dict:
    for _ in range(100):
        petition = call("GET", f"{base_url}/api/petitions/{petition_id}")
        if petition["assignment_id"]:
            return call("GET", f"{base_url}/api/assignments/{petition['assignment_id']}")
        time.sleep(0.1)
    raise TimeoutError(f"petition {petition_id} was not assigned")


def mediate(base_url: str, petition: dict, body: dict, received: datetime) -> None:
    """The people's mediation committee takes the diverted dispute to a signed agreement."""
    mediation_id = mediation_id_for("petition", petition["id"])
    path = f"{base_url}/api/mediations/{mediation_id}"
    for _ in range(100):
        if SESSION.get(path, timeout=30).ok:
            break
        time.sleep(0.1)
    mediation = call("GET", path)
    if mediation["status"] != "awaiting_consent" or mediation["parties"]:
        return  # walked on an earlier start
    if received + timedelta(days=12) > datetime.now(received.tzinfo):
        return  # too recent to have been mediated yet
    for party in ({"name": body["petitioner"]["name"], "role": "applicant"},
                  {"name": "对方当事人（村民委员会）", "role": "respondent"}):
        call("POST", path + "/parties", json=party)
    for index in (0, 1):
        call("POST", path + "/consents", json={"party": index, "consents": True, "at": at(received, 6)})
    call("POST", path + "/agreement", json={
        "facts": "双方因" + body["subject"] + "发生纠纷。", "disputes": "补偿数额及履行期限。",
        "terms": [{"content": "被申请人一次性支付补偿款", "manner": "银行转账", "due": "协议签订后十五日内"}],
        "signatures": [{"role": "party", "party": 0, "name": body["petitioner"]["name"]},
                       {"role": "party", "party": 1, "name": "村委会主任"}, {"role": "mediator", "name": "人民调解员"}],
        "signed_at": at(received, 12)})


def own_a_case(base_url: str, petition_id: str) -> None:
    """The joint-conference office puts one hard matter under a county leader (领导包案)."""
    case = call("POST", f"{base_url}/api/backlog-cases",
                json={"petition_id": petition_id, "reason": "涉及群体利益，多次协调未果，列为积案由县领导包案"})
    if case["status"] != "designated":
        return  # owned on an earlier start
    path = f"{base_url}/api/backlog-cases/{case['id']}"
    call("POST", path + "/leader", json={
        "leader": {"id": "leader-etkqq-01", "name": "包某某", "post": "鄂托克前旗副旗长", "level": "county"},
        "task_force": ["旗信访局", "旗自然资源局", "上海庙镇"],
        "plan": {"steps": ["调阅历次处理材料", "约见信访人", "现场勘查", "提出化解方案"], "target_date": "2027-01-31"}})
    call("POST", path + "/meetings",
         json={"kind": "materials", "held_on": date.today().isoformat(), "notes": "调阅历次信访处理材料"})


def main(base_url: str) -> None:
    petitions = json.loads(DEMO.read_text(encoding="utf-8"))
    first_accepted = replied_code = a_unit = None
    for number, body in enumerate(petitions):
        # The key makes a second `./run up` register nothing new.
        petition = call("POST", f"{base_url}/api/petitions", json=body,
                        headers={"Idempotency-Key": f"demo-{number}"})
        received = datetime.fromisoformat(body["received_at"])
        if number % 4 == 3:
            continue  # left waiting for a decision
        if number % 8 == 6:
            call("POST", f"{base_url}/api/petitions/{petition['id']}/acceptance",
                 json={"decision": "diverted", "route": "mediation", "decided_at": at(received, 5),
                       "reason": "属于民间纠纷，经信访人同意引导人民调解"})
            mediate(base_url, petition, body, received)
            continue
        if number % 4 == 2:
            call("POST", f"{base_url}/api/petitions/{petition['id']}/acceptance",
                 json={"decision": "diverted", "route": "litigation", "decided_at": at(received, 5),
                       "reason": "该事项属于人民法院受理范围，告知信访人依法提起诉讼"})
            continue
        call("POST", f"{base_url}/api/petitions/{petition['id']}/acceptance",
             json={"decision": "accepted", "reason": "属于本机关受理范围，依法受理", "decided_at": at(received, 3)})
        first_accepted = first_accepted or petition["id"]
        assignment = assignment_of(base_url, petition["id"])
        a_unit = a_unit or assignment["unit"]
        path = f"{base_url}/api/assignments/{assignment['id']}"
        call("POST", path + "/sign", json={"unit": assignment["unit"], "signed_at": at(received, 4)})
        if number % 8 == 0 and received + timedelta(days=45) < datetime.now(received.tzinfo):
            call("POST", path + "/reply", json={"outcome": "support", "opinion": OPINION,
                                                "signatures": SIGNATURES, "replied_at": at(received, 40)})
            call("POST", path + "/pre-review", json={"approved": True, "decided_at": at(received, 41)})
            replied_code = replied_code or petition.get("query_code")
            rating = RATINGS[number % 3]
            call("POST", path + "/evaluation", json={"rating": rating, "rated_at": at(received, 45)})
            if rating == "unsatisfied" and received + timedelta(days=50) < datetime.now(received.tzinfo):
                # 复查: the unsatisfied petitioner asks the body one level up.
                call("POST", path + "/review-requests", json={
                    "reasons": "对处理意见不服，请求复查", "requested_at": at(received, 50)})
    own_a_case(base_url, first_accepted)
    print(f"demo data: {len(petitions)} petitions, in every stage from registered to rated; one backlog case")
    if replied_code:
        print(f"demo query code (查询码) of a replied petition: {replied_code} — open {base_url}/self")
    if a_unit:
        print(f"demo handling unit: {a_unit} — its console: ./run token issue --role unit_handler --unit {a_unit} "
              "--user NAME, then open /console with that token")
    # Agencies' traffic for the same weeks (ids repeat with the seed, so a second start adds nothing).
    amqp_uri = os.environ.get("AMQP_URI", "pyamqp://guest:guest@127.0.0.1:5672/")
    sent = simulator.publish(simulator.generate(date(2026, 11, 1), date(2026, 11, 20), seed=2026,
                                                region_prefixes=["150623"]), amqp_uri)
    print(f"demo traffic: {sent} 12345 work orders, 110 alerts and court cases for Etuokeqianqi (150623)")


if __name__ == "__main__":
    SESSION.headers["Authorization"] = "Bearer " + Path(os.environ["XINFANG_TOKEN_FILE"]).read_text().strip()
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
