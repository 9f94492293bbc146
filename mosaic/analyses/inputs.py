"""What every check reads: the responses plus the two registers, prepared once.

``AnalysisInputs.events`` is the responses table with the columns the checks share computed once:
display names from the registers, the region, and the *end* of each date's period. Why the end: a
response dated only "2023-02" may have been given on any day of February, so it counts as public only
from 28 February; comparing period ends never credits a fact before it can be shown to exist.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from mosaic.normalise.dates import period_end
from mosaic.registry import load_authorities, technologies_for, technology_pairs
from mosaic.registry.authorities import OVERSIGHT_KINDS
from mosaic.schema import Stance
from mosaic.store.workspace import Workspace

#: Stances that put a fact on the public record.
DISCLOSING_STANCES: tuple[str, ...] = (Stance.CONFIRM.value, Stance.DENY.value)


#: Response columns no check reads; ``events`` leaves them out (``responses`` still has everything).
_UNUSED_BY_CHECKS = frozenset(
    {
        "authority_match", "authority_match_score", "technology_match", "technology_match_score", "extra", "ingest_id",
    }
)  # fmt: skip

#: Response columns shown beside an answer (reports, tables) that neither the checks nor the name lookups
#: (``lookup``) read: ``for_checks`` leaves them unread and ``with_details`` adds them to the rows shown.
DETAIL_COLUMNS: tuple[str, ...] = (
    "request_id", "exemptions_text", "review_date", "review_date_precision", "review_outcome", "notes", "source_file",
    "source_row",
)  # fmt: skip

_NOT_READ_FOR_CHECKS = _UNUSED_BY_CHECKS | set(DETAIL_COLUMNS)


@dataclass(frozen=True, eq=False)
class AnalysisInputs:
    """The responses table and the registers; derived frames are computed on first use and cached.

    Build it once per workspace state and reuse it: the dashboard keeps one per content hash.
    ``workspace``: where ``responses`` were read from, so that ``with_details`` can read the display
    columns a ``for_checks`` read left out, for the rows a report shows.
    """

    responses: pl.DataFrame
    authorities: pl.DataFrame
    technologies: pl.DataFrame
    workspace: Workspace | None = None

    @classmethod
    def from_workspace(
        cls, workspace: Workspace, *, authorities: pl.DataFrame | None = None, technologies: pl.DataFrame | None = None
    ) -> AnalysisInputs:
        """Read the workspace's responses and pair them with the (default) registers (``technologies_for``:
        the sample's fictional products only for data from the bundled sample)."""
        responses = workspace.responses()
        return cls(
            responses=responses,
            authorities=load_authorities() if authorities is None else authorities,
            technologies=technologies_for(responses) if technologies is None else technologies,
            workspace=workspace,
        )

    @classmethod
    def for_checks(cls, workspace: Workspace) -> AnalysisInputs:
        """``from_workspace`` reading only the columns the checks and the name lookups read.

        For a run of the checks (``mosaic analyse``, ``mosaic report``): at ten million responses the
        columns left unread are 1.6 GB never allocated (5.9 GB resident down to 3.8 GB). Its
        ``responses`` lack the display columns (``DETAIL_COLUMNS``): ``with_details`` reads them for the
        rows shown."""
        schema = workspace.scan("responses").collect_schema()
        responses = workspace.read("responses", columns=[name for name in schema if name not in _NOT_READ_FOR_CHECKS])
        return cls(
            responses=responses,
            authorities=load_authorities(),
            technologies=technologies_for(responses),
            workspace=workspace,
        )

    @classmethod
    def from_responses(cls, responses: pl.DataFrame) -> AnalysisInputs:
        """Pair a responses frame with the default registers (tests, notebooks)."""
        return cls(responses=responses, authorities=load_authorities(), technologies=technologies_for(responses))

    def with_details(self, rows: pl.DataFrame, columns: Sequence[str] = DETAIL_COLUMNS) -> pl.DataFrame:
        """``rows`` (any frame with a ``response_id`` column: a slice of ``events``, say) with the display
        ``columns`` (of ``DETAIL_COLUMNS``; default all) it lacks, read for those responses only.

        A report shows a request id or a note for a few hundred answers; reading those columns for ten
        million answers to show them took 1.6 GB. From the ``responses`` held when they have the columns,
        else from the workspace (a ``for_checks`` read); a response stored twice gives its first row, as
        ``events`` keeps it."""
        missing = [name for name in columns if name not in rows.columns]
        if not missing:
            return rows
        if all(name in self.responses.columns for name in missing):
            source = self.responses.lazy()
        elif self.workspace is not None:
            source = self.workspace.scan("responses")
        else:
            raise ValueError(f"these inputs hold no {', '.join(missing)} and were not read from a workspace")
        wanted = rows.get_column("response_id").unique().implode()
        details = (
            source.filter(pl.col("response_id").is_in(wanted))
            .select("response_id", *missing)
            .unique("response_id", keep="first", maintain_order=True)
            .collect()
        )
        return rows.join(details, on="response_id", how="left", maintain_order="left")

    @functools.cached_property
    def pairs(self) -> pl.DataFrame:
        """(ancestor_id, descendant_id, distance) over the taxonomy, self pairs included, plus the pairs
        of technologies the taxonomy lacks, placed by the path their responses were stored under (a product
        "Foo Vision" asked about under facial recognition is ``unresolved:foo-vision`` below
        ``facial-recognition``): so an answer about the category is still ``broader`` evidence for it."""
        known = self.technologies.get_column("technology_id").implode()
        placed = (
            self.responses.lazy()
            .filter(~pl.col("technology_id").is_in(known) & pl.col("category").is_not_null())
            .group_by("technology_id")
            .agg(pl.col("category").min())  # one path per id, whatever the row order
            .collect(engine="in-memory")
        )
        taxonomy = technology_pairs(self.technologies)
        if placed.is_empty():
            return taxonomy
        extra = technology_pairs(placed.select("technology_id", "category")).filter(
            pl.col("descendant_id").is_in(placed.get_column("technology_id").implode())
        )
        return pl.concat([taxonomy, extra]).unique().sort("descendant_id", "distance", "ancestor_id")

    @functools.cached_property
    def events(self) -> pl.DataFrame:
        """One row per response with the shared derived columns (see the module docstring).

        Added columns: ``authority_label`` / ``technology_label`` (register name, else as given),
        ``region``, ``response_end``, ``request_end``, ``asked_on`` (the earlier of request end and response
        end: the date by which the authority had certainly been asked), ``is_disclosure`` (confirm or deny)
        and ``is_ncnd``. Columns nothing downstream reads (the ``extra`` cells, match scores, the ingest
        id) are left out: every check filters this frame, and narrow rows are cheap to copy.
        """
        wanted = [c for c in self.responses.columns if c not in _UNUSED_BY_CHECKS]
        responses = self.responses.select(wanted)
        # Distinct hashes prove distinct ids (a cheap test); only otherwise is the (slower) filter run.
        if responses.get_column("response_id").hash().n_unique() < responses.height:
            responses = responses.filter(pl.col("response_id").is_first_distinct())  # a row given twice is one response
        # Names and regions are looked up (not joined): the new columns are computed and every other
        # column is shared with ``responses`` rather than copied, which halves the memory of a large run.
        register_name = dict(self.authorities.select("authority_id", "name").iter_rows())
        region = dict(self.authorities.select("authority_id", "region").iter_rows())
        taxonomy_name = dict(self.technologies.select("technology_id", "name").iter_rows())
        return responses.with_columns(
            authority_label=pl.coalesce(
                pl.col("authority_id").replace_strict(register_name, default=None, return_dtype=pl.String),
                "authority_name",
                "authority_id",
            ),
            technology_label=pl.coalesce(
                pl.col("technology_id").replace_strict(taxonomy_name, default=None, return_dtype=pl.String),
                "product",
                "technology_name",
                "technology_id",
            ),
            region=pl.col("authority_id").replace_strict(region, default=None, return_dtype=pl.String),
            response_end=period_end("response_date", "response_date_precision"),
            request_end=period_end("request_date", "request_date_precision"),
        ).with_columns(
            # The earlier of the two: a response proves the authority had been asked by its date,
            # even when the request is known only to the month (whose end may come later).
            asked_on=pl.min_horizontal("request_end", "response_end"),
            is_disclosure=pl.col("stance").is_in(DISCLOSING_STANCES),
            is_ncnd=pl.col("stance") == Stance.NCND.value,
        )

    @functools.cached_property
    def id_enums(self) -> dict[str, pl.Enum]:
        """An Enum dtype per id column (``authority_id``, ``technology_id``) over every id the inputs know.

        Casting an id column to its Enum and taking ``to_physical()`` gives integer codes that agree
        across frames (a plain Categorical's codes do not), so heavy joins, sorts and as-of joins can
        run on integers instead of strings.
        """
        return {
            "authority_id": pl.Enum(
                pl.concat([self.responses.get_column("authority_id"), self.authorities.get_column("authority_id")])
                .drop_nulls()
                .unique()
                .sort()
            ),
            # The pairs too: a product the taxonomy lacks, asked about under a technology it lacks as well
            # ("Axon Body 3" under "Body-worn video"), is placed under an ancestor no response is stored as.
            "technology_id": pl.Enum(
                pl.concat(
                    [
                        self.responses.get_column("technology_id"),
                        self.technologies.get_column("technology_id"),
                        self.pairs.get_column("ancestor_id"),
                        self.pairs.get_column("descendant_id"),
                    ]
                )
                .drop_nulls()
                .unique()
                .sort()
            ),
        }

    def id_code(self, column: str, kind: str | None = None, alias: str | None = None) -> pl.Expr:
        """``column`` as the integer code of its id Enum (``kind`` names the id column when they differ)."""
        return pl.col(column).cast(self.id_enums[kind or column]).to_physical().alias(alias or column)

    @functools.cached_property
    def coded_events(self) -> pl.DataFrame:
        """``events`` plus ``technology_code`` and ``authority_code``: the ids as integer codes (see
        ``id_enums``), computed once for the checks that join or sort a million rows on them."""
        return self.events.with_columns(
            self.id_code("technology_id", alias="technology_code"), self.id_code("authority_id", alias="authority_code")
        )

    @functools.cached_property
    def linked_pairs(self) -> pl.DataFrame:
        """(authority_id, linked_id), both directions: bodies linked in the register (a Police and Crime
        Commissioner and its force). Each is its own authority; the link only grades evidence."""
        pairs = self.authorities.filter(pl.col("linked_authority_id").is_not_null()).select(
            "authority_id", pl.col("linked_authority_id").alias("linked_id")
        )
        return (
            pl.concat(
                [
                    pairs,
                    pairs.select(pl.col("linked_id").alias("authority_id"), pl.col("authority_id").alias("linked_id")),
                ]
            )
            .unique()
            .sort("authority_id", "linked_id")
        )

    @functools.cached_property
    def overseer_ids(self) -> list[str]:
        """Authorities that oversee police rather than police: linked bodies (commissioners, the Scottish
        Police Authority) and oversight bodies (the Biometrics and Surveillance Camera Commissioner). They
        have no cell of their own on the national map, and what they confirm holding is about forces, not
        their own use of a technology, so map-level checks leave them out of coverage, base rates and
        predictions."""
        return (
            self.authorities.filter(
                pl.col("linked_authority_id").is_not_null() | pl.col("kind").is_in(list(OVERSIGHT_KINDS))
            )
            .get_column("authority_id")
            .sort()
            .to_list()
        )

    @functools.cached_property
    def neighbours(self) -> pl.DataFrame:
        """Land-neighbour pairs (authority_id, neighbour_id) from the register, both directions."""
        pairs = (
            self.authorities.select("authority_id", pl.col("neighbours").alias("neighbour_id"))
            .explode("neighbour_id")
            .drop_nulls()
        )
        both = pl.concat(
            [
                pairs,
                pairs.select(
                    pl.col("neighbour_id").alias("authority_id"), pl.col("authority_id").alias("neighbour_id")
                ),
            ]
        )
        return both.unique().sort("authority_id", "neighbour_id")


def today() -> dt.date:
    """Today's date (one place, so tests can reason about the default map-level as-of)."""
    return dt.date.today()
