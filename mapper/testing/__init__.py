"""Test and benchmark helpers that need real infrastructure, such as a Neo4j server."""
