#!/usr/bin/env python3
"""The PostgreSQL store's peers on the same server: drain N no-op jobs with W workers.

pgqueuer (QueueManager, drain mode, with and without a concurrency limit of W) and procrastinate
(one worker with concurrency W, wait=False: it stops once the queue is empty), each in its own
schema-fresh database area, jobs enqueued in batches first, then timed from the worker's start to
the queue being empty: jobs per second, comparable with `PostgresBench throughput` (.ci/pg-bench
runs both on one throwaway server).

    pip install pgqueuer procrastinate 'psycopg[binary]' asyncpg
    python3 .ci/peers/pg_peers.py --dsn postgresql://USER@HOST:PORT/DB --jobs 20000 --workers 2
"""

import argparse
import asyncio
import json
import sys
import time


async def pgqueuer_drain(dsn: str, jobs: int, workers: int, limited: bool) -> float:
    import asyncpg
    from pgqueuer import QueueManager, Queries
    from pgqueuer.db import AsyncpgDriver
    from pgqueuer.types import QueueExecutionMode

    setup = await asyncpg.connect(dsn)
    queries = Queries(AsyncpgDriver(setup))
    try:
        await queries.uninstall()
    except Exception:
        pass
    await queries.install()
    for start in range(0, jobs, 1000):
        n = min(1000, jobs - start)
        await queries.enqueue(["noop"] * n, [None] * n, [0] * n)
    await setup.close()

    connection = await asyncpg.connect(dsn)
    manager = QueueManager(Queries(AsyncpgDriver(connection)))
    done = 0

    @manager.entrypoint("noop", concurrency_limit=workers if limited else 0)
    async def noop(job) -> None:
        nonlocal done
        done += 1

    began = time.perf_counter()
    await manager.run(mode=QueueExecutionMode.drain, batch_size=10)
    elapsed = time.perf_counter() - began
    await connection.close()
    assert done == jobs, f"pgqueuer ran {done} of {jobs} jobs"
    return jobs / elapsed


async def procrastinate_drain(dsn: str, jobs: int, workers: int) -> float:
    import procrastinate

    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=dsn))  # noqa: the warning about a top-level app is harmless here
    done = 0

    @app.task(name="noop")
    async def noop() -> None:
        nonlocal done
        done += 1

    async with app.open_async():
        await app.connector.execute_query_async("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        await app.schema_manager.apply_schema_async()
        for start in range(0, jobs, 1000):
            n = min(1000, jobs - start)
            await noop.batch_defer_async(*([{}] * n))
        began = time.perf_counter()
        await app.run_worker_async(concurrency=workers, wait=False, install_signal_handlers=False)
        elapsed = time.perf_counter() - began
    assert done == jobs, f"procrastinate ran {done} of {jobs} jobs"
    return jobs / elapsed


def versions() -> dict:
    """The peers' versions; raises ImportError naming what to install when one is missing."""
    import importlib.metadata

    for module in ("pgqueuer", "procrastinate", "asyncpg", "psycopg"):
        __import__(module)
    return {name: importlib.metadata.version(name) for name in ("pgqueuer", "procrastinate")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dsn", required=True)
    parser.add_argument("--jobs", type=int, default=20000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--limited-jobs", type=int, default=0,
                        help="jobs for pgqueuer with its concurrency limit (0: --jobs; it drains slowly)")
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout (lanes bench reads it)")
    arguments = parser.parse_args()
    dsn, jobs, workers = arguments.dsn, arguments.jobs, arguments.workers
    try:
        found = versions()
    except ImportError as error:
        print(f"pg_peers: {error}: pip install pgqueuer procrastinate 'psycopg[binary]' asyncpg", file=sys.stderr)
        sys.exit(3)
    limited_jobs = arguments.limited_jobs or jobs
    limited = asyncio.run(pgqueuer_drain(dsn, limited_jobs, workers, limited=True))
    unlimited = asyncio.run(pgqueuer_drain(dsn, jobs, workers, limited=False))
    procrastinated = asyncio.run(procrastinate_drain(dsn, jobs, workers))
    if arguments.json:
        print(json.dumps({
            "jobs": jobs, "limited_jobs": limited_jobs, "workers": workers, "versions": found,
            "pgqueuer_limited_per_s": limited, "pgqueuer_unlimited_per_s": unlimited,
            "procrastinate_per_s": procrastinated,
        }))
        return
    print(f"pgqueuer {found['pgqueuer']} concurrency_limit={workers}: {limited_jobs} jobs, {limited:.0f} jobs/s")
    print(f"pgqueuer {found['pgqueuer']} unlimited: {jobs} jobs, {unlimited:.0f} jobs/s")
    print(f"procrastinate {found['procrastinate']} concurrency={workers}: {jobs} jobs, {procrastinated:.0f} jobs/s")


if __name__ == "__main__":
    main()
