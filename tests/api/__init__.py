"""Tests of the read-only JSON API and its OpenAPI document."""
