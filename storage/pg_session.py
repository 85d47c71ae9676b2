"""PostgreSQL transactions on a pooled connection, with the ORM session made on first use.

Through AsyncSession, every transaction pays for a Session, an AsyncConnection, their
transaction objects and a greenlet switch per call (the begin, the connection lookup, the
commit, the close) around its round trips. Measured on 2026-12-02: BEGIN + one indexed
SELECT + COMMIT took 1,580 µs of CPU through `session.begin()` and 370 µs on the pooled
connection itself (asyncpg alone: 240 µs). Most transactions of the intake path are
prepared statements (storage.prepared) and need none of that: a resident's message reads
the pending action and the draft and writes the draft back; the outbox leases a batch and
records the sends.

`PgSession` is PostgreSQL's counterpart of `storage.sqlite_inline.InlineSession`. It holds
one connection checked out of the engine's pool (the same pool, events and liveness
checks as every other connection), and prepared statements run on it through SQLAlchemy's
asyncpg adapter (its statement cache, its per-connection mutex and its lazily begun
transaction). An AsyncSession bound to that very connection is made only when ORM work is
asked for (`execute`, `add`, `get`, ...); it joins the transaction under way, and SQLAlchemy
sees one connection in one transaction either way. Its API is the part of AsyncSession
this project uses, as InlineSession's is, so the same code runs on both backends.

Failures are SQLAlchemy's: driver errors come out as `sqlalchemy.exc.DBAPIError`; a lost
connection is invalidated and the pool renewed, as SQLAlchemy does on a disconnect; a
round trip interrupted half way (a cancelled task) invalidates the connection, as what the
server and asyncpg believe about the transaction is then unknown.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar

from sqlalchemy import exc
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.pool import PoolProxiedConnection
from sqlalchemy.util import greenlet_spawn

from storage.sqlite_inline import has_unflushed

log = logging.getLogger(__name__)

T = TypeVar("T")
async def on_adapter(adapter: Any, dialect: Dialect, statement: str | None, args: Any,
                     call: Callable[[], Awaitable[T]],
                     invalidate: Callable[[BaseException, bool], None], *,
                     begin: bool = True) -> T:
    """Run `call` (driver round trips) on SQLAlchemy's asyncpg adapter as its own cursor
    would: one call at a time per connection, the transaction begun first if it was not
    (unless `begin` is false: COMMIT and ROLLBACK).

    Errors come out as SQLAlchemy's DBAPIError; on a disconnect `invalidate(error, True)`
    drops the connection and renews the pool; when the call is interrupted half way
    (cancelled) `invalidate(error, False)` drops the connection alone."""
    dbapi_error = dialect.loaded_dbapi.Error
    # Cancelled while waiting for the connection, nothing was sent: the connection is fine.
    async with adapter._execute_mutex:
        try:
            try:
                if begin and adapter._transaction is None:
                    await adapter._start_transaction()
                return await call()
            except Exception as error:
                adapter._handle_exception(error)  # raises the DBAPI form of the error
                raise  # not reached
        except dbapi_error as error:
            lost = dialect.is_disconnect(error, adapter, None)
            if lost:
                invalidate(error, True)
            raise exc.DBAPIError.instance(statement, args, error, dbapi_error,
                                          dialect=dialect, connection_invalidated=lost) from error
        except BaseException as error:
            # Interrupted half way through a round trip, e.g. while BEGIN was under way: a
            # pooled connection left like that would turn later transactions into
            # savepoints of a transaction nobody commits. Never reuse it (SQLAlchemy does
            # the same for exceptions that are not errors).
            if not isinstance(error, Exception):
                invalidate(error, False)
            raise


class PgSession:
    """One PostgreSQL transaction (or read) on a pooled connection; see the module doc."""

    __slots__ = ("_engine", "_factory", "_fairy", "_session", "_connection", "_lost",
                 "_closed", "read_only", "autocommit")

    def __init__(self, engine: AsyncEngine, factory: async_sessionmaker[AsyncSession],
                 fairy: PoolProxiedConnection, *, read_only: bool = False,
                 autocommit: bool = False) -> None:
        # A read-only session (storage.db.sessions) runs prepared reads without BEGIN and
        # ROLLBACK around them: under READ COMMITTED each statement sees a fresh snapshot
        # either way, and a quick lookup costs one round trip instead of three. Anything
        # else (ORM work, streaming, a write) begins a transaction as usual, READ ONLY, so
        # the server refuses a write as SQLite's query_only readers do.
        # An autocommit session (storage.db.autocommit) runs every prepared statement as its
        # own transaction: one round trip each, no BEGIN and COMMIT around it. The ORM, which
        # would need a transaction around its statements, is refused there.
        self.read_only = read_only
        self.autocommit = autocommit
        if read_only:
            fairy.dbapi_connection.readonly = True
        self._engine = engine
        self._factory = factory  # the AsyncSession settings (expire_on_commit and so on)
        self._fairy = fairy
        self._session: AsyncSession | None = None
        self._connection: AsyncConnection | None = None
        self._lost = False
        self._closed = False

    @classmethod
    async def open(cls, engine: AsyncEngine, factory: async_sessionmaker[AsyncSession], *,
                   read_only: bool = False, autocommit: bool = False) -> PgSession:
        """Check a connection out of `engine`'s pool (errors as SQLAlchemy's)."""
        sync_engine = engine.sync_engine
        dialect = sync_engine.dialect
        try:
            fairy = await greenlet_spawn(sync_engine.raw_connection)
        except dialect.loaded_dbapi.Error as error:  # as Engine.connect reports it
            Connection._handle_dbapi_exception_noconnection(error, dialect, sync_engine)
            raise  # not reached
        return cls(engine, factory, fairy, read_only=read_only, autocommit=autocommit)

    # -- the driver, for storage.prepared -------------------------------------------------

    @property
    def dialect(self) -> Dialect:
        return self._engine.sync_engine.dialect

    @property
    def bind(self) -> Any:
        return self._connection if self._connection is not None else self._engine

    async def driver(self) -> Any:
        """SQLAlchemy's asyncpg adapter of the connection, for a prepared statement;
        pending ORM changes are flushed first, as autoflush would."""
        if self.lost:
            raise exc.ResourceClosedError("the connection of this session was lost")
        session = self._session
        if session is not None and has_unflushed(session.sync_session):
            await session.flush()
        return self._fairy.dbapi_connection

    @property
    def lost(self) -> bool:
        """Whether the connection failed for good (here, or in the ORM session's own
        statements, which SQLAlchemy invalidates itself)."""
        if not self._lost and not self._closed and (self._fairy.dbapi_connection is None or (
                self._connection is not None and self._connection.sync_connection.invalidated)):
            self._lost = True
        return self._lost

    def invalidate(self, error: BaseException, renew_pool: bool = False) -> None:
        """The connection failed for good: never reuse it (and with `renew_pool`, as on a
        disconnect, none of the pool's connections made before it)."""
        if self.lost or self._closed:
            return
        self._lost = True
        if renew_pool:
            self._engine.sync_engine.pool._invalidate(self._fairy, error, _checkin=False)
        if self._connection is not None:
            self._connection.sync_connection.invalidate(error)
        else:
            self._fairy.invalidate(error)

    # -- the ORM, made on first use -------------------------------------------------------

    @property
    def orm(self) -> AsyncSession:
        """The AsyncSession on this connection (made now if it was not yet)."""
        session = self._session
        if session is None:
            if self.autocommit:
                raise TypeError("an autocommit session runs prepared statements only: "
                                "use storage.db.transaction() for ORM work")
            if self.lost:
                raise exc.ResourceClosedError("the connection of this session was lost")
            # Never revalidated: after a loss, statements must fail, not reconnect outside
            # the transaction they belong to.
            sync_connection = Connection(self._engine.sync_engine, connection=self._fairy,
                                         _allow_revalidate=False)
            self._connection = AsyncConnection(self._engine, sync_connection)
            session = self._session = self._factory(bind=self._connection)
        return session

    @property
    def sync_session(self) -> Any:
        return self.orm.sync_session

    async def execute(self, statement: Any, params: Any = None, **kwargs: Any) -> Any:
        return await self.orm.execute(statement, params, **kwargs)

    async def scalar(self, statement: Any, params: Any = None, **kwargs: Any) -> Any:
        return await self.orm.scalar(statement, params, **kwargs)

    async def scalars(self, statement: Any, params: Any = None, **kwargs: Any) -> Any:
        return await self.orm.scalars(statement, params, **kwargs)

    async def get(self, entity: Any, ident: Any, **kwargs: Any) -> Any:
        return await self.orm.get(entity, ident, **kwargs)

    def add(self, instance: Any) -> None:
        self.orm.add(instance)

    def add_all(self, instances: Iterable[Any]) -> None:
        self.orm.add_all(instances)

    async def delete(self, instance: Any) -> None:
        await self.orm.delete(instance)

    async def flush(self, objects: Any = None) -> None:
        await self.orm.flush(objects)

    @property
    def no_autoflush(self) -> Any:
        return self.orm.no_autoflush

    async def stream(self, statement: Any, params: Any = None, **kwargs: Any) -> Any:
        return await self.orm.stream(statement, params, **kwargs)

    def __contains__(self, instance: Any) -> bool:
        return self._session is not None and instance in self._session

    # -- the end --------------------------------------------------------------------------

    async def end(self, commit: bool) -> None:
        """Commit (flushing the ORM session, if one was made) or roll back. A failed commit
        raises, and the caller then rolls back; a rollback that fails drops the connection
        (nothing of the transaction stays either way) and does not raise."""
        session = self._session
        if commit:
            if session is not None:
                await session.commit()
            await self._finish("commit")
            return
        try:
            if session is not None:
                await session.rollback()
        except Exception as error:
            log.warning("rollback failed, the connection is dropped: %s", error)
            self.invalidate(error)
        if not self.lost:
            try:
                await self._finish("rollback")
            except exc.DBAPIError as error:
                log.warning("rollback failed, the connection is dropped: %s", error)
                self.invalidate(error)

    async def _finish(self, how: str) -> None:
        """COMMIT or ROLLBACK what prepared statements began (the ORM session, when there
        is one, has ended its part already)."""
        if self.lost:
            if how == "commit":
                raise exc.ResourceClosedError("the connection of this session was lost")
            return
        adapter = self._fairy.dbapi_connection
        transaction = adapter._transaction
        if transaction is None:
            return
        end = transaction.commit if how == "commit" else transaction.rollback
        await on_adapter(adapter, self.dialect, how.upper(), None,
                         lambda: adapter._call_and_discard(end), self.invalidate, begin=False)

    async def close(self) -> None:
        """Roll back whatever is still open (a read ends here: objects it loaded stay loaded,
        as after AsyncSession.close) and give the connection back to the pool, in a
        greenlet: the pool may close an overflow connection, which awaits the driver."""
        try:
            if self._session is not None:
                await self._session.close()
            if not self.lost:
                await self._finish("rollback")
        except Exception as error:
            log.warning("rollback failed, the connection is dropped: %s", error)
            self.invalidate(error)
        finally:
            if self.read_only and not self.lost:
                self._fairy.dbapi_connection.readonly = False
            if self._connection is not None:
                await self._connection.close()
            elif not self.lost:  # an invalidated connection went back to the pool already
                await greenlet_spawn(self._fairy.close)
            self._closed = True
