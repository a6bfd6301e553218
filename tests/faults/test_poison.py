"""A consumer that raises on one specific event (RELIABILITY.md scenario 7).

The system runs with XINFANG_FAULT_POISON (shared/fault_injection.py): dispatch's follower of intake
raises on the acceptance of the one petition from village 360781107299, as a handler with a bug does
on the one message that triggers it. That event must be parked after a bounded number of attempts
(decision 4: three per replica), counted once in xinfang_dead_letters_total, listed for operators
(`./run parked`), and every other event must keep flowing: all the other accepted petitions get
their assignments, the statistics equal the recomputation (the parked petition is accepted and
has no assignment, in the stores and in the figures alike).
"""
import json
import subprocess
import sys

from tests.faults import scenario
from tests.faults.conftest import POISON_REGION, ROOT

TYPE = "petition.acceptance_decided"


def test_poison_event_is_parked_once_and_the_others_keep_flowing(fault_system):
    system = fault_system
    before = {"parked": system.metric("dispatch", "xinfang_dead_letters_total", source="intake"),
              "failures": system.metric("dispatch", "xinfang_handler_failures_total", source="intake")}

    # The sixth petition of the workload comes from the poisoned village; it is registered and
    # accepted like the others (both acknowledged), and only dispatch fails on it.
    counts = scenario.run(system, "poison event", f"dispatch raises on the {TYPE} of one petition",
                          "360781", seed=401, inject=lambda: None, at=0.0, regions={5: POISON_REGION}, poison={5})
    parked = system.metric("dispatch", "xinfang_dead_letters_total", source="intake") - before["parked"]
    failures = system.metric("dispatch", "xinfang_handler_failures_total", source="intake") - before["failures"]
    assert parked == 1, f"parked {parked} times"
    assert 1 <= failures <= 3, f"{failures} attempts: bounded by 3 per replica (decision 4)"

    # Listed for operators, once: `./run parked`.
    listed = subprocess.run([sys.executable, "-m", "services.admin", "parked"], cwd=ROOT, env=system.launcher.env,
                            capture_output=True, text=True, timeout=120)
    assert listed.returncode == 0, listed.stderr[-2000:]
    entries = json.loads(listed.stdout[listed.stdout.index("{"):])["dispatch"]
    injected = [e for e in entries if e["source"] == "intake" and e["type"] == TYPE and "InjectedFault" in e["reason"]]
    assert len(injected) == 1, entries
    assert len(system.poisoned) == 1
    assert counts["assignments"] == counts["accepted"] - 1  # every other acceptance reached dispatch
    system.results[-1].update({"parked": int(parked), "attempts": int(failures)})
