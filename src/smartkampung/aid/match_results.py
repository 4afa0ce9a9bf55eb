"""The shape of a list's match results, shared by the exact pass (aid.matching) and the model (aid.linkage)."""

import polars as pl

RESULT_SCHEMA = {
    "row": pl.Int64,
    "status": pl.String,
    "resident_id": pl.Int64,
    "candidate_id": pl.Int64,
    "probability": pl.Float64,
    "explanation": pl.String,  # JSON: [{"field", "level", "weight"}] as codes (aid.explain puts them in words)
}


def status_only(rows: pl.Series, status: str) -> pl.DataFrame:
    """Result rows with a status and nothing else (no link, no candidate)."""
    frame = pl.DataFrame({"row": rows}).with_columns(status=pl.lit(status))
    return (
        frame.with_columns(
            [
                pl.lit(None, dtype=dtype).alias(name)
                for name, dtype in RESULT_SCHEMA.items()
                if name not in frame.columns
            ]
        )
        .select(list(RESULT_SCHEMA))
        .cast(RESULT_SCHEMA)
    )
