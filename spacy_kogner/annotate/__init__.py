"""Annotating a literature corpus: input records in the field's formats, a
pipeline run in shards that are complete or absent (resumable), entities
written as JSONL or PubTator."""
from .records import FORMATS, BadRecord, InputError, Record, read_records
from .runner import AnnotateError, AnnotateOptions, AnnotateReport, annotate, split_text
from .writers import OUTPUT_FORMATS

__all__ = ["FORMATS", "OUTPUT_FORMATS", "AnnotateError", "AnnotateOptions", "AnnotateReport", "BadRecord",
           "InputError", "Record", "annotate", "read_records", "split_text"]
