"""``descenso``: start the app with uvicorn (http://127.0.0.1:8000 by default)."""

from __future__ import annotations

import argparse

import uvicorn


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="descenso", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1,
                        help="uvicorn worker processes (the server keeps no state between "
                             "connections, so any number works)")
    parser.add_argument("--reload", action="store_true", help="reload on code changes")
    args = parser.parse_args(argv)
    uvicorn.run("app.main:app", host=args.host, port=args.port, workers=args.workers,
                reload=args.reload, ws_per_message_deflate=False)


if __name__ == "__main__":
    main()
