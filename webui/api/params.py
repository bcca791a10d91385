"""Read query-string parameters of the current request, collecting every bad one into a 422."""

from __future__ import annotations

from flask import request

from contracts.core.query_args import QueryArgs


class QueryReader(QueryArgs):
    """`QueryArgs` over the current request's query string."""

    def __init__(self) -> None:
        super().__init__(request.args)
