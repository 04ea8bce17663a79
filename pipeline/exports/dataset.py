"""Load a processed dataset back in one call: `load_dataset(out_dir).tasks` is a DataFrame.

Read from the Parquet files with the types a script can trust: counts and
years are nullable integers (`Int64`, never float because of a gap), text is
`string`, flags `boolean`, dates `datetime.date`, and list fields (themes,
activities, agencies, doc_ids, warnings) Python lists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.exports.tables import TABLES

_PANDAS_TYPES = {pa.int64(): pd.Int64Dtype(), pa.int32(): pd.Int64Dtype(), pa.float64(): pd.Float64Dtype(),
                 pa.string(): pd.StringDtype(), pa.bool_(): pd.BooleanDtype()}


def read_table(path: Path) -> pd.DataFrame:
    """One table's Parquet file as a DataFrame of nullable types, list columns as lists."""
    table = pq.read_table(str(path))
    df = table.to_pandas(types_mapper=_PANDAS_TYPES.get, date_as_object=True)
    for name, column_type in zip(table.schema.names, table.schema.types, strict=True):
        if pa.types.is_list(column_type) or pa.types.is_large_list(column_type):
            df[name] = pd.Series(table.column(name).to_pylist(), index=df.index, dtype=object)
    return df


@dataclass
class Dataset:
    """One DataFrame per table of the dataset (`documents`, `tasks`, `citations`, ...; see TABLES)."""

    folder: Path
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)

    def __getattr__(self, name: str) -> pd.DataFrame:
        frames = self.__dict__.get("frames", {})
        if name in frames:
            return frames[name]
        raise AttributeError(f"no table {name!r} in {self.__dict__.get('folder')} (tables: {', '.join(frames)})")

    def __dir__(self) -> list[str]:
        return sorted([*super().__dir__(), *self.frames])

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.frames[name]

    @property
    def plans(self) -> pd.DataFrame:
        """`documents` without the copies set aside (`duplicate_of` empty): each plan once."""
        docs = self.frames["documents"]
        return docs[docs["duplicate_of"].isna()].reset_index(drop=True)

    def __repr__(self) -> str:
        sizes = ", ".join(f"{name}: {len(df)}" for name, df in self.frames.items())
        return f"Dataset({str(self.folder)!r}; {sizes})"


def load_dataset(out_dir: str | Path = "data/processed") -> Dataset:
    """Every table of the dataset `python -m pipeline run` wrote to `out_dir` (its parquet/ folder)."""
    folder = Path(out_dir)
    parquet = folder / "parquet"
    if not parquet.is_dir():
        raise FileNotFoundError(f"no dataset in {folder}: expected {parquet}/ (run `python -m pipeline run`)")
    return Dataset(folder, {name: read_table(parquet / f"{name}.parquet") for name in TABLES
                            if (parquet / f"{name}.parquet").exists()})
