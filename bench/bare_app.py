"""The bare reference for bench_throughput: strawberry + FastAPI answering `{ hello }`, nothing else.

It keeps strawberry's parser and validation caches on, and is served by uvicorn exactly as `semantic serve`
serves the real app (one process, same event loop and HTTP implementation), so the ratio of the two measures
what the semantic layer adds, not what the framework costs.

    .venv/bin/python -m bench.bare_app --port 8001
"""
from __future__ import annotations

import argparse

import strawberry
import uvicorn
from fastapi import FastAPI
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.fastapi import GraphQLRouter


@strawberry.type
class Query:
    @strawberry.field
    def hello(self) -> str:
        return "world"


def build_app() -> FastAPI:
    schema = strawberry.Schema(query=Query, extensions=[ParserCache(maxsize=512), ValidationCache(maxsize=512)])
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.include_router(GraphQLRouter(schema, graphql_ide=None), prefix="/graphql")

    @app.get("/health")
    async def health() -> dict:
        return {"status": "ok"}

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args()
    uvicorn.run(build_app(), host=args.host, port=args.port, log_level="info")


if __name__ == "__main__":
    main()
