"""Request bodies a test builds on: valid by default, changed where a test says."""
import json
from pathlib import Path

REFERENCE = Path(__file__).resolve().parent.parent / "shared" / "reference"
CATEGORIES = [c["code"] for c in json.loads((REFERENCE / "categories.json").read_text(encoding="utf-8"))]


def id_number(seventeen: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return seventeen + "10X98765432"[sum(int(d) * w for d, w in zip(seventeen, weights)) % 11]


def petition(n: int = 0, **changes) -> dict:
    body = {"channel": "visit",
            "petitioner": {"name": "测试某某", "id_number": id_number(f"15062319800101{n % 1000:03d}"),
                           "phone": f"138{n % 100000000:08d}"},
            "region_code": "150623", "category": CATEGORIES[0], "subject": "草牧场边界纠纷",
            "content": "与邻村就草牧场边界发生争议，请求依法确权。",
            "received_at": "2026-11-02T09:30:00+08:00"}
    body.update(changes)
    return body


REPLY = {"outcome": "explain",
         "opinion": {"facts": "经查，争议草牧场位于两村交界处。", "claims": "请求确认草牧场使用权。",
                     "findings": "双方均无确权登记。", "result": "由镇政府组织勘界调处。",
                     "legal_basis": "《中华人民共和国草原法》第十六条", "remedy": "如不服，可于收到本意见书之日起30日内申请复查。"},
         "signatures": [{"role": "business_head", "name": "王某"}, {"role": "petition_head", "name": "李某"}]}
