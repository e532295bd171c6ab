"""Building a KG table: source readers, merging, distillation into entity
vectors, the gold hold-out and coverage statistics."""
from .build import KGBuildError, KGBuildOptions, build_kg, find_sources
from .merge import KGSources, MergedKG, merge_sources
from .table import KGEntity, build_table

__all__ = ["KGBuildError", "KGBuildOptions", "KGEntity", "KGSources", "MergedKG", "build_kg", "build_table",
           "find_sources", "merge_sources"]
