"""The ``usage:`` block of an option's costs: how much it will be used and on what model.

An option that gives its usage instead of a price per item is costed from the price
catalogue (:mod:`scoring.catalogue`) by :mod:`scoring.pricing`; every figure may be a plain
number or ``{low, expected, high}``::

    costs:
      integration: 22000
      ranges:                         # optional: a one-time or monthly figure's low and high
        integration: {low: 18000, high: 30000}
      usage:
        items_per_month: {low: 15000, expected: 24000, high: 30000}  # else the volume answer
        input_tokens: {low: 500, expected: 800, high: 1500}  # or input_chars / input_pages
        output_tokens: 40
        calls_per_item: {low: 1, expected: 1.1, high: 1.5}   # retries and tool calls
        offering: anthropic_claude_sonnet_45  # a hosted offering, or `tier: mid`,
        # or self_hosted: {size: small, gpu: h100_specialist, pricing: reserved_1y}
        fine_tune: {training_tokens: 20000000, epochs: 3, tokens_per_second_per_gpu: 2500}
        overrides:                    # negotiated or measured figures beat the catalogue's
          input_per_million: 2.4

These are the inputs only; ids are checked against the catalogue when the option is costed.
"""

from __future__ import annotations

from typing import Annotated, Literal, Self

from pydantic import Field, model_validator

from .catalogue import TierId
from .estimate import Amount, Share
from .limits import MAX_NUMBER
from .models import Identifier, Strict

__all__ = [
    "FineTuneChoice",
    "PriceOverrides",
    "Range",
    "SelfHostedChoice",
    "UsageInputs",
]

Money = Annotated[float, Field(ge=0, le=MAX_NUMBER)]


class Range(Strict):
    """The low and high end of a figure whose expected value is given beside it."""

    low: Money
    high: Money

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.low > self.high:
            raise ValueError(f"expected low ≤ high, found low {self.low:g} and high {self.high:g}")
        return self


class SelfHostedChoice(Strict):
    """An open-weight model of a catalogue size on a catalogue GPU class."""

    size: Identifier = Field(
        description="A self-hosted size of the catalogue: small, medium, large."
    )
    gpu: Identifier = Field(description="A GPU class of the catalogue, e.g. h100_specialist.")
    pricing: Literal["on_demand", "spot", "reserved_1y"] = Field(
        default="on_demand",
        description="How the GPUs are rented: on demand, spot (interruptible) or reserved "
        "for a year; the catalogue's discounts apply.",
    )
    always_on: bool = Field(
        default=True,
        description="Replicas run around the clock (true) or the GPUs are paid per use "
        "(false: a serverless GPU offer that scales to zero).",
    )
    min_replicas: Annotated[int, Field(ge=0, le=1024)] = 1


class FineTuneChoice(Strict):
    """Fine-tuning compute, one-time. The training throughput is the team's own figure (a
    trial run gives it); the catalogue has none."""

    training_tokens: Amount = Field(description="Tokens in the training set.")
    epochs: Annotated[float, Field(ge=0, le=1000)] = 1.0
    tokens_per_second_per_gpu: Amount = Field(
        description="Training tokens processed per second per GPU."
    )
    gpus: Annotated[int, Field(ge=1, le=1024)] = 1
    gpu: Identifier | None = Field(
        default=None,
        description="The GPU class trained on; by default the self-hosted option's own.",
    )


class PriceOverrides(Strict):
    """Figures that replace the catalogue's for this option (a negotiated price, a measured
    throughput); in the catalogue's currency, like the figures they replace."""

    input_per_million: Amount | None = None
    output_per_million: Amount | None = None
    batch_discount: Annotated[float, Field(ge=0, le=1)] | None = None
    gpu_hourly: Amount | None = None
    tokens_per_second_per_gpu: Amount | None = None
    utilisation: Share | None = None


class UsageInputs(Strict):
    """How much an option is used and the model it runs on (see the module docstring)."""

    items_per_month: Amount | None = Field(
        default=None,
        description="Items a month; by default the option's items_per_month or the volume answer.",
    )
    backlog_items: Amount = Field(
        default_factory=lambda: Amount(low=0, expected=0, high=0),
        description="Items processed once at the start (an archive to catch up on).",
    )
    input_tokens: Amount | None = Field(default=None, description="Input tokens per call.")
    input_chars: Amount | None = Field(
        default=None, description="Characters of input per call (about 4 a token)."
    )
    input_pages: Amount | None = Field(
        default=None, description="Pages of input per call (about 500 tokens a page)."
    )
    output_tokens: Amount = Field(description="Output tokens per call.")
    calls_per_item: Amount = Field(
        default_factory=lambda: Amount(low=1, expected=1, high=1),
        description="Model calls per item: 1, or more with retries and tool calls.",
    )
    offering: Identifier | None = Field(default=None, description="A hosted offering's id.")
    tier: TierId | None = Field(default=None, description="A hosted price tier.")
    self_hosted: SelfHostedChoice | None = None
    batch_share: Annotated[float, Field(ge=0, le=1)] = Field(
        default=0.0, description="Share of the traffic sent through a batch interface."
    )
    fine_tune: FineTuneChoice | None = None
    overrides: PriceOverrides = Field(default_factory=PriceOverrides)

    @model_validator(mode="after")
    def _one_model_and_an_input_size(self) -> Self:
        chosen = [
            name for name in ("offering", "tier", "self_hosted") if getattr(self, name) is not None
        ]
        if len(chosen) != 1:
            found = ", ".join(chosen) if chosen else "none"
            raise ValueError(
                "expected exactly one of offering, tier or self_hosted (the model the option "
                f"runs on), found {found}"
            )
        if self.input_tokens is not None and (self.input_chars or self.input_pages):
            raise ValueError(
                "expected input_tokens or input_chars / input_pages, not both: the tokens "
                "are estimated from the characters and pages"
            )
        if self.input_tokens is None and self.input_chars is None and self.input_pages is None:
            raise ValueError("expected input_tokens, input_chars or input_pages (per call)")
        hosted = self.self_hosted
        if hosted is not None and not hosted.always_on and hosted.pricing != "on_demand":
            raise ValueError(
                f"self_hosted: {hosted.pricing} GPUs are paid around the clock, so "
                "always_on: false (paying per use) needs pricing: on_demand"
            )
        if self.fine_tune is not None and self.fine_tune.gpu is None and self.self_hosted is None:
            raise ValueError(
                "fine_tune needs a gpu (a GPU class of the catalogue) when the option is not "
                "self-hosted"
            )
        return self

    @property
    def kind(self) -> Literal["hosted", "self_hosted"]:
        """Whether the option pays per token (hosted) or rents GPUs (self-hosted)."""
        return "self_hosted" if self.self_hosted is not None else "hosted"
