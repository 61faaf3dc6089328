"""The API calls of the import job tests: start an import, read a job, wait for its end."""

from __future__ import annotations

from typing import Any

from tests.conftest import GraphQLClient
from tests.waiting import eventually

START = """
mutation($input: StartImportInput!) {
  startImport(input: $input) {
    job { id status dryRun }
    userErrors { field message code }
  }
}"""

JOB = """
query($id: ID!) {
  importJob(id: $id) {
    status rows finishedAt
    report { dryRun created updated retired rejected problems counts { what count } }
  }
}"""


async def start_job(gql: GraphQLClient, token: str, **given: Any) -> dict[str, Any]:
    variables = {"input": {"backend": "oneroster", "path": "v11", **given}}
    result = await gql(START, variables, bearer=token)
    assert "errors" not in result, result
    payload: dict[str, Any] = result["data"]["startImport"]
    return payload


async def job_of(gql: GraphQLClient, token: str, job_id: str) -> dict[str, Any]:
    result = await gql(JOB, {"id": job_id}, bearer=token)
    assert "errors" not in result, result
    job: dict[str, Any] = result["data"]["importJob"]
    return job


async def finished_job(gql: GraphQLClient, token: str, job_id: str) -> dict[str, Any]:
    seen: dict[str, Any] = {}

    async def finished() -> bool:
        seen.update(await job_of(gql, token, job_id))
        return seen["status"] in ("SUCCEEDED", "FAILED")

    await eventually(finished, within=30, what="the import job to finish")
    return seen
