"""Loads the demo petitions (deploy/demo/petitions.json) through the public API, once."""
import json
import sys
from pathlib import Path

import requests

DEMO = Path(__file__).resolve().parent.parent / "deploy" / "demo" / "petitions.json"


def main(base_url: str) -> None:
    petitions = json.loads(DEMO.read_text(encoding="utf-8"))
    for number, petition in enumerate(petitions):
        # The key makes a second `./run up` register nothing new.
        answer = requests.post(f"{base_url}/api/petitions", json=petition,
                               headers={"Idempotency-Key": f"demo-{number}"}, timeout=30)
        answer.raise_for_status()
        if number % 2 == 0 and answer.json()["decision"] is None:
            requests.post(f"{base_url}/api/petitions/{answer.json()['id']}/acceptance", timeout=30,
                          json={"decision": "accepted", "reason": "属于本机关受理范围，依法受理"}).raise_for_status()
    print(f"demo data: {len(petitions)} petitions registered, every second one accepted")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
