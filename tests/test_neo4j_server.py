"""A real Neo4j server starts for the test run, answers Cypher over Bolt, and is gone after stop."""

import socket

import pytest
from neo4j import GraphDatabase

from mapper.testing.neo4j_server import Neo4jServer


@pytest.mark.neo4j
def test_server_answers_cypher_and_closes_its_port() -> None:
    with Neo4jServer() as server:
        port = server.port
        assert server.uri == f"bolt://127.0.0.1:{port}"
        assert server.startup_seconds is not None and server.startup_seconds > 0

        with GraphDatabase.driver(server.uri, auth=None) as driver:
            records, _, _ = driver.execute_query("RETURN 1 AS x", database_="neo4j")
            assert [record["x"] for record in records] == [1]

            driver.execute_query(
                "CREATE (:Person {name: $person})-[:FEELS {intensity: 4}]->(:Issue {name: $issue})",
                person="Ana",
                issue="Short staffing",
                database_="neo4j",
            )
            records, _, _ = driver.execute_query(
                "MATCH (p:Person)-[f:FEELS]->(i:Issue) "
                "RETURN p.name AS person, f.intensity AS intensity, i.name AS issue",
                database_="neo4j",
            )
            assert [record.data() for record in records] == [
                {"person": "Ana", "intensity": 4, "issue": "Short staffing"}
            ]

    assert not server.running
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
