import io
import json

from django.core.management import call_command


def run_json_command(name: str, *args: str) -> tuple[int, dict]:
    """Run a management command with --json; return its exit code and its one JSON object."""
    out = io.StringIO()
    try:
        call_command(name, *args, "--json", stdout=out, stderr=io.StringIO())
        code = 0
    except SystemExit as exc:
        code = int(exc.code)
    text = out.getvalue().strip()
    assert text.count("\n") == 0, "stdout must hold exactly one JSON object"
    return code, json.loads(text)


def errors(result: dict) -> list[tuple]:
    """An import's errors as (row, column, message), the way users read them."""
    return [(e["row"], e["column"], e["message"]) for e in result["errors"]]


def counts(result: dict) -> tuple[int, int, int]:
    """An import's (created, updated, unchanged)."""
    c = result["counts"]
    return c["created"], c["updated"], c["unchanged"]
