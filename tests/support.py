"""Request bodies a test builds on: valid by default, changed where a test says."""
import json
import uuid
from contextlib import contextmanager
from pathlib import Path

REFERENCE = Path(__file__).resolve().parent.parent / "shared" / "reference"
CATEGORIES = [c["code"] for c in json.loads((REFERENCE / "categories.json").read_text(encoding="utf-8"))]


def id_number(seventeen: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return seventeen + "10X98765432"[sum(int(d) * w for d, w in zip(seventeen, weights, strict=True)) % 11]


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


@contextmanager
def throwaway_readmodel(older_table: str):
    """reporting's statistics read model in a database of its own, dropped afterwards. `older_table`
    is a CREATE TABLE of an earlier shape of one of its tables: the read model must add what the
    earlier shape lacks when it starts, as the service does on an existing database."""
    import psycopg
    from eventsourcing.postgres import PostgresFactory
    from eventsourcing.utils import Environment

    from reporting.readmodel import StatisticsReadModel
    from shared.persistence import ensure_schema
    from shared.settings import Settings

    settings = Settings(postgres_dbname=f"xinfang_unit_reporting_{uuid.uuid4().hex[:8]}")
    ensure_schema("reporting", settings)
    try:
        with psycopg.connect(settings.postgres_conninfo(), autocommit=True) as conn:
            conn.execute(older_table)
        factory = PostgresFactory(Environment("reporting", {
            "PERSISTENCE_MODULE": "eventsourcing.postgres", "POSTGRES_DBNAME": settings.postgres_dbname,
            "POSTGRES_HOST": settings.postgres_host, "POSTGRES_PORT": settings.postgres_port,
            "POSTGRES_USER": settings.postgres_user, "POSTGRES_PASSWORD": settings.postgres_password,
            "POSTGRES_SCHEMA": "reporting"}))
        try:
            yield factory.tracking_recorder(StatisticsReadModel)
        finally:
            factory.close()
    finally:
        with psycopg.connect(settings.postgres_conninfo("postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{settings.postgres_dbname}" WITH (FORCE)')
