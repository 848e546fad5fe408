"""A sample S2 request that passes the form and the document list (benchmarks, demonstrations)."""

SAMPLE_REQUEST = {
    "sub_kind": "allocate",
    "form": {"resource_kind": "geographic", "range_start": "7172500000", "range_end": "7172509999",
             "purpose": "benchmark"},
    "documents": ["application", "numbering-justification"],
}
