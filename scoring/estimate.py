"""The estimate: a figure known only as low, expected and high — one type for the price
catalogue, answers files and the cost math.

``Estimate`` allows any finite number (a net saving may be below 0); ``Amount`` is an
estimate of an amount (0 or more), ``Share`` one of a share (0 to 1). A plain number in a
file is a figure known exactly: low = expected = high.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, ClassVar, Literal, Self

from pydantic import Field, GetJsonSchemaHandler, model_validator
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from .limits import MAX_NUMBER
from .models import Strict
from .text import format_number, shown_value

__all__ = ["Amount", "Estimate", "Level", "Share"]

Level = Literal["low", "expected", "high"]


class Estimate(Strict):
    """A figure that is not known exactly: low ≤ expected ≤ high. A plain number is a figure
    known exactly (all three equal)."""

    low: Annotated[float, Field(ge=-MAX_NUMBER, le=MAX_NUMBER)]
    expected: Annotated[float, Field(ge=-MAX_NUMBER, le=MAX_NUMBER)]
    high: Annotated[float, Field(ge=-MAX_NUMBER, le=MAX_NUMBER)]

    #: The smallest and largest value one of the three may take.
    least: ClassVar[float] = -MAX_NUMBER
    most: ClassVar[float] = MAX_NUMBER

    @model_validator(mode="before")
    @classmethod
    def _number_is_exact(cls, data: Any) -> Any:
        if isinstance(data, int | float) and not isinstance(data, bool):
            # Checked here, so the problem is the number written, not three made-up keys.
            if not cls.least <= data <= cls.most:
                raise ValueError(
                    f"expected a number from {format_number(cls.least)} to "
                    f"{format_number(cls.most)}, found {shown_value(data)}"
                )
            return {"low": data, "expected": data, "high": data}
        if isinstance(data, Estimate):
            return {"low": data.low, "expected": data.expected, "high": data.high}
        if not isinstance(data, dict):
            raise ValueError(
                "expected a number, or low, expected and high (e.g. {low: 1.5, expected: 2, "
                f"high: 3}}), found {shown_value(data)}"
            )
        return data

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        # The schema says what the loader accepts: a plain number as well as the mapping.
        mapping = handler(core_schema)
        return {"anyOf": [{"type": "number", "minimum": cls.least, "maximum": cls.most}, mapping]}

    @model_validator(mode="after")
    def _in_order(self) -> Self:
        if not self.low <= self.expected <= self.high:
            raise ValueError(
                "expected low ≤ expected ≤ high, found "
                f"low {format_number(self.low)}, expected {format_number(self.expected)}, "
                f"high {format_number(self.high)}"
            )
        return self

    @classmethod
    def point(cls, value: float) -> Self:
        """A figure known exactly."""
        return cls(low=value, expected=value, high=value)

    @classmethod
    def of(cls, values: Sequence[float], expected: float) -> Self:
        """The band of ``values`` around ``expected`` (one of them): smallest, expected,
        largest."""
        return cls(low=min(values), expected=expected, high=max(values))

    def at(self, level: Level) -> float:
        """The value at ``level``."""
        return self.low if level == "low" else self.high if level == "high" else self.expected

    def scaled(self, factor: float) -> Estimate:
        """Each value × ``factor`` (≥ 0, so the order holds), e.g. a price in another
        currency."""
        return Estimate(
            low=self.low * factor, expected=self.expected * factor, high=self.high * factor
        )


class Amount(Estimate):
    """A figure that is not known exactly: the lowest, the expected and the highest value
    (low ≤ expected ≤ high), each 0 or more. A plain number is a figure known exactly."""

    low: Annotated[float, Field(ge=0, le=MAX_NUMBER)]
    expected: Annotated[float, Field(ge=0, le=MAX_NUMBER)]
    high: Annotated[float, Field(ge=0, le=MAX_NUMBER)]

    least: ClassVar[float] = 0


class Share(Amount):
    """A share that is not known exactly: low ≤ expected ≤ high, each between 0 and 1 (0.5
    is 50 %). A plain number is a share known exactly."""

    low: Annotated[float, Field(ge=0, le=1)]
    expected: Annotated[float, Field(ge=0, le=1)]
    high: Annotated[float, Field(ge=0, le=1)]

    most: ClassVar[float] = 1.0
