"""Storage: SQLAlchemy 2 async models, the engine, repositories and Alembic migrations.

SQLite (embedded default) and PostgreSQL (production) are two backends of the same models;
dialect differences stay inside this package.
"""
